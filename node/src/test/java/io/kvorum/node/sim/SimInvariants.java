package io.kvorum.node.sim;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.message.PeerMessage.Ack;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.storage.version.Dot;
import io.kvorum.storage.version.Sibling;
import io.kvorum.storage.version.Siblings;
import java.util.Set;
import java.util.TreeSet;

/**
 * Invariants the simulator checks as each event happens, not only at the end of a run (Caffeine's
 * validation after every operation, TigerBeetle's checkers): a broken one throws at once, failing the
 * seed with the event that broke it at the end of the trace.
 * <ul>
 *   <li>No sibling is lost without a covering context: a storage change drops a version only when
 *       the new state's context covers its dot (a crash of the lossy node, which loses unsynced writes
 *       by design, is not a storage change).</li>
 *   <li>No dot is issued twice: every coordinated write of a key gets a dot no write of that key had before.</li>
 *   <li>Quorum replies never exceed what was sent: every replica reply answers a request that went
 *       to that replica, and an acknowledged write names distinct nodes, each one the write was sent to.</li>
 * </ul>
 */
final class SimInvariants {
    /** "key dot" of every dot issued. */
    private final Set<String> dotsIssued = new TreeSet<>();
    /** "coordinator requestId replica" of every replica request sent over the network. */
    private final Set<String> requestsSent = new TreeSet<>();
    /** "key node" for every node a replica write or forwarded write of the key was sent to. */
    private final Set<String> writesSentTo = new TreeSet<>();
    private long checks;

    /** How many checks passed (so a test can prove they ran). */
    long checks() {
        return checks;
    }

    /** {@code node}'s state of {@code key} changed from {@code before} to {@code after} by a storage operation. */
    void stateChanged(NodeId node, Key key, Siblings before, Siblings after) {
        for (Sibling sibling : before.siblings()) {
            Dot dot = sibling.dot();
            boolean kept = after.siblings().stream().anyMatch(s -> s.dot().equals(dot));
            boolean covered = after.context().contains(dot);
            // Pruning may drop an actor's whole history past the size bound; that is a documented trade-off, not a loss.
            boolean pruned = !after.context().entries().containsKey(dot.actor())
                    && after.context().cloud().stream().noneMatch(d -> d.actor().equals(dot.actor()));
            check(kept || covered || pruned, "%s lost sibling %s of %s without a context covering it: %s -> %s",
                    node, dot, key, before, after);
        }
    }

    /**
     * A coordinated write on {@code node} issued {@code dot} for {@code key}. A dot names a version of
     * one key, so it must never be issued twice for a key; two keys may share a counter when
     * concurrent writes reach the disk out of the order the core reserved their counters in.
     */
    void dotIssued(NodeId node, Key key, Dot dot) {
        check(dotsIssued.add(key + " " + dot), "%s issued dot %s for %s a second time", node, dot, key);
    }

    /** {@code from} sent {@code message} to {@code to} over the network. */
    void sent(NodeId from, NodeId to, PeerMessage message) {
        if (message instanceof PeerMessage.Request request) {
            switch (request) {
                case PeerMessage.ReplicaGetRequest get -> requestsSent.add(from + " " + get.requestId() + " " + to);
                case PeerMessage.ReplicaPutRequest put -> {
                    requestsSent.add(from + " " + put.requestId() + " " + to);
                    writesSentTo.add(put.key() + " " + to);
                }
                case PeerMessage.ForwardWriteRequest forward -> writesSentTo.add(forward.key() + " " + to);
                // Background protocols' requests: no quorum counts their replies.
                case PeerMessage.HintBatch batch -> { }
                case PeerMessage.TreeRequest tree -> { }
                case PeerMessage.KeyHashesRequest hashes -> { }
                case PeerMessage.KeyStatesRequest states -> { }
                case PeerMessage.StreamRequest stream -> { }
            }
        }
    }

    /** {@code to} is about to receive {@code message} from {@code from}. */
    void delivered(NodeId from, NodeId to, PeerMessage message) {
        if (message instanceof PeerMessage.ReplicaGetResponse response) {
            answersASentRequest(from, to, response.requestId());
        } else if (message instanceof PeerMessage.ReplicaDigestResponse response) {
            answersASentRequest(from, to, response.requestId());
        } else if (message instanceof PeerMessage.ReplicaPutResponse response) {
            answersASentRequest(from, to, response.requestId());
        }
    }

    private void answersASentRequest(NodeId replica, NodeId coordinator, long requestId) {
        check(requestsSent.contains(coordinator + " " + requestId + " " + replica),
                "%s answers request %d of %s, which was never sent to it", replica, requestId, coordinator);
    }

    /** A write of {@code key} coordinated (or forwarded) by {@code node} was answered {@code outcome}. */
    void writeAnswered(NodeId node, Key key, WriteOutcome outcome) {
        if (!(outcome instanceof WriteOutcome.Written written)) {
            return;
        }
        Set<NodeId> distinct = new TreeSet<>();
        for (Ack ack : written.acks()) {
            check(distinct.add(ack.node()), "%s counted %s twice in the acknowledgements of %s: %s", node, ack.node(), key,
                    written.acks());
            // The coordinator acknowledges its own copy; every other ack must come from a node the write went to.
            check(ack.node().equals(node) || writesSentTo.contains(key + " " + ack.node()),
                    "%s counted an acknowledgement of %s from %s, which the write never went to", node, key, ack.node());
        }
    }

    private void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalStateException("invariant broken: " + String.format(format, args));
        }
        checks++;
    }
}
