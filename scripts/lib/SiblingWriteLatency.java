import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How long one blind write takes to a key that holds 1, 10 or 100 siblings, against a running
 * cluster: a key's whole state is replicated and stored again on every write, so this shows what
 * a careless client's sibling pile costs each further write. Run by {@code scripts/kvorum
 * bench-siblings}; a single-file program (java File.java), so it needs no build.
 *
 * <p>Usage: {@code java SiblingWriteLatency.java BASE_URL KEYS VALUE_BYTES[,VALUE_BYTES...]}.
 */
public final class SiblingWriteLatency {
    private static final int[] SIBLINGS = {1, 10, 100};

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: java SiblingWriteLatency.java BASE_URL KEYS VALUE_BYTES[,VALUE_BYTES...]");
            System.exit(2);
        }
        URI base = URI.create(args[0]);
        int keys = Integer.parseInt(args[1]);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long run = System.currentTimeMillis();
        System.out.printf("%-12s %-9s %10s %10s %10s %7s   (one blind write that leaves the key with that many siblings; %d keys each)%n",
                "value bytes", "siblings", "median ms", "p90 ms", "max ms", "failed", keys);
        for (String size : args[2].split(",")) {
            int valueBytes = Integer.parseInt(size.trim());
            for (int siblings : SIBLINGS) {
                List<Double> millis = new ArrayList<>();
                int failed = 0;
                for (int k = 0; k < keys; k++) {
                    String key = "sibling-latency-" + run + "-" + valueBytes + "-" + siblings + "-" + k;
                    SplittableRandom random = new SplittableRandom(k);
                    for (int i = 1; i < siblings; i++) {
                        put(http, base, key, value(random, valueBytes));
                    }
                    String last = value(random, valueBytes);
                    long start = System.nanoTime();
                    boolean ok = put(http, base, key, last);
                    millis.add((System.nanoTime() - start) / 1e6);
                    failed += ok ? 0 : 1;
                }
                Collections.sort(millis);
                System.out.printf("%-12d %-9d %10.2f %10.2f %10.2f %7d%n", valueBytes, siblings, millis.get(millis.size() / 2),
                        millis.get((int) Math.min(millis.size() - 1, Math.round(millis.size() * 0.9))), millis.getLast(), failed);
            }
        }
    }

    /** True on 200; a 503 (the write was too slow for the request timeout) is reported, any other answer ends the run. */
    private static boolean put(HttpClient http, URI base, String key, String valueJson) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/kv/" + key))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"value\":" + valueJson + "}")).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 && response.statusCode() != 503) {
            throw new IllegalStateException("PUT " + key + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.statusCode() == 200;
    }

    /** A JSON string of {@code bytes} letters that do not compress away. */
    private static String value(SplittableRandom random, int bytes) {
        StringBuilder text = new StringBuilder(bytes + 2).append('"');
        for (int i = 0; i < bytes - 2; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.append('"').toString();
    }
}
