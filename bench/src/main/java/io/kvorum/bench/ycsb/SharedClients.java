package io.kvorum.bench.ycsb;

import io.kvorum.client.KvorumClient;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The clients YCSB's threads share, one per distinct configuration, counted by lease: YCSB gives the
 * binding no hook but per-thread {@code init}/{@code cleanup}, so the first lease opens the client and
 * the last release closes it. The one process-wide registry in the bench module, and only for YCSB.
 */
final class SharedClients {
    static final SharedClients INSTANCE = new SharedClients();

    private final Map<String, Entry> clients = new HashMap<>();

    private static final class Entry {
        final KvorumClient client;
        int leases;

        Entry(KvorumClient client) {
            this.client = client;
        }
    }

    /** One thread's use of a shared client. */
    final class Lease {
        private final String key;
        private final KvorumClient client;
        private boolean released;

        private Lease(String key, KvorumClient client) {
            this.key = key;
            this.client = client;
        }

        KvorumClient client() {
            return client;
        }

        void release() {
            synchronized (SharedClients.this) {
                if (released) {
                    return;
                }
                released = true;
                Entry entry = clients.get(key);
                if (--entry.leases == 0) {
                    clients.remove(key);
                    entry.client.close();
                }
            }
        }
    }

    /** A lease on the client for {@code key}, built by {@code open} when there is none. */
    synchronized Lease acquire(String key, Supplier<KvorumClient> open) {
        Entry entry = clients.get(key);
        if (entry == null) {
            entry = new Entry(open.get());
            clients.put(key, entry);
        }
        entry.leases++;
        return new Lease(key, entry.client);
    }
}
