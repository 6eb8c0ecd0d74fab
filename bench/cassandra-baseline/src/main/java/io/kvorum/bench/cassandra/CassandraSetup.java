package io.kvorum.bench.cassandra;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.Host;
import com.datastax.driver.core.Session;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark cluster's set-up over CQL, for scripts/bench-cassandra.sh:
 * {@code up HOSTS N SECONDS} waits until the driver sees N nodes, all up (exit 1 on time-out);
 * {@code schema HOSTS} creates issue 16's keyspace {@code ycsb} (SimpleStrategy, RF 3) and
 * {@code usertable}, and waits for the nodes to agree on the schema.
 */
public final class CassandraSetup {
    private static final int SCHEMA_AGREEMENT_SECONDS = 60;

    private CassandraSetup() {
    }

    /** Entry point: {@code up HOSTS N SECONDS} or {@code schema HOSTS}. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length == 4 && args[0].equals("up")) {
            System.exit(up(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3])) ? 0 : 1);
        } else if (args.length == 2 && args[0].equals("schema")) {
            schema(args[1]);
        } else {
            System.err.println("usage: CassandraSetup up HOSTS NODES SECONDS | schema HOSTS");
            System.exit(2);
        }
    }

    private static boolean up(String hosts, int nodes, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String seen = "no connection";
        while (System.nanoTime() < deadline) {
            try (Cluster cluster = SharedSession.build(hosts, 9042)) {
                cluster.init();
                // The driver learns the ring from system.peers and pushes; poll it a while per connection.
                for (int i = 0; i < 10 && System.nanoTime() < deadline; i++) {
                    Set<Host> all = cluster.getMetadata().getAllHosts();
                    long up = all.stream().filter(Host::isUp).count();
                    seen = all.size() + " nodes known, " + up + " up";
                    if (all.size() == nodes && up == nodes) {
                        System.out.println(seen);
                        return true;
                    }
                    Thread.sleep(1000);
                }
            } catch (RuntimeException e) {
                seen = e.toString();
                Thread.sleep(1000);
            }
        }
        System.err.println("CassandraSetup: " + nodes + " nodes not up after " + seconds + " s: " + seen);
        return false;
    }

    private static void schema(String hosts) throws InterruptedException {
        try (Cluster cluster = SharedSession.build(hosts, 9042); Session session = cluster.connect()) {
            session.execute("CREATE KEYSPACE IF NOT EXISTS ycsb WITH replication = "
                    + "{'class': 'SimpleStrategy', 'replication_factor': 3}");
            StringBuilder fields = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                fields.append(", field").append(i).append(" varchar");
            }
            session.execute("CREATE TABLE IF NOT EXISTS ycsb.usertable (y_id varchar PRIMARY KEY" + fields + ")");
            // The driver waits up to 10 s for agreement after each DDL statement; on a loaded 2-core
            // machine the third node can take longer (seen once), so keep asking for a minute.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SCHEMA_AGREEMENT_SECONDS);
            while (!cluster.getMetadata().checkSchemaAgreement()) {
                if (System.nanoTime() > deadline) {
                    System.err.println("CassandraSetup: the nodes do not agree on the schema after " + SCHEMA_AGREEMENT_SECONDS + " s");
                    System.exit(1);
                }
                Thread.sleep(1000);
            }
            System.out.println("keyspace ycsb (SimpleStrategy, RF 3) and ycsb.usertable ready");
        }
    }
}
