/**
 * The phi-accrual failure detector (Hayashibara et al. 2004, as in Akka/Pekko) with Cassandra's two
 * guards: {@link io.kvorum.gossip.fd.PhiAccrualFailureDetector}, its immutable
 * {@link io.kvorum.gossip.fd.HeartbeatHistory}, the pure {@link io.kvorum.gossip.fd.PhiMath} and the
 * {@link io.kvorum.gossip.fd.FailureDetectorSettings}.
 *
 * <p>Time is data: every method takes {@code nowMillis} from a monotonic clock the driver owns. Nothing
 * here reads a clock, sleeps, starts a thread or touches I/O; the detector has one owner (the gossip
 * state machine) and is not thread-safe.
 */
package io.kvorum.gossip.fd;
