/**
 * The internode protocol: {@link io.kvorum.node.message.PeerMessage} (a sealed family of records)
 * and its binary codec. Pure: no I/O; the runtime frames these bytes onto TCP.
 */
package io.kvorum.node.message;
