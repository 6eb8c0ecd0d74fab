package io.kvorum.http;

import static io.kvorum.common.Invariants.require;

import io.kvorum.config.HttpConfig;

/**
 * How the HTTP API listens and where it draws its limits; the composition root builds it from config.
 *
 * @param host                   the interface to bind, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port                   the TCP port; 0 binds an ephemeral port (read it back from {@link HttpApi#port()})
 * @param valueBytesMax          the largest accepted value, in bytes of JSON text (api.md: default 1 MiB)
 * @param requestTimeoutMillis   the coordinator timeout the node applies when a request has no {@code timeout_ms}
 * @param serviceGraceMillis     how long past the request's timeout the router waits for the service before it
 *                               answers 503 itself, so that no request can hang on a lost future
 * @param serverInstances        how many server instances (one per event loop) share the port
 * @param idleTimeoutMillis      a connection idle this long is closed; 0 never closes idle connections
 * @param shutdownGraceMillis    on {@link HttpApi#close()}, how long in-flight requests may take to finish
 * @param limits                 header and body deadlines, the connection cap and the cap on requests in flight
 * @param security               server TLS and the bearer-token file, both optional
 */
public record HttpApiSettings(
        String host,
        int port,
        int valueBytesMax,
        long requestTimeoutMillis,
        long serviceGraceMillis,
        int serverInstances,
        long idleTimeoutMillis,
        long shutdownGraceMillis,
        HttpConfig.Limits limits,
        HttpConfig.Security security) {

    /** api.md's default value limit: 1 MiB of JSON text. */
    public static final int VALUE_BYTES_MAX_DEFAULT = 1024 * 1024;
    /** Room in a request body beyond the value itself: the context string, the field names and JSON framing. */
    public static final int BODY_OVERHEAD_BYTES = 64 * 1024;
    /** The largest {@code timeout_ms} a client may ask for; longer waits hold connections for no benefit. */
    public static final long TIMEOUT_MILLIS_MAX = 60_000;
    public static final long REQUEST_TIMEOUT_MILLIS_DEFAULT = 2_000;
    /** Dynamo-style coordinators answer on their own timer; 5 s past it the service is presumed lost. */
    public static final long SERVICE_GRACE_MILLIS_DEFAULT = 5_000;
    /** Must outlast the longest request ceiling (60 s + 5 s), or a slow quorum would see its connection cut. */
    public static final long IDLE_TIMEOUT_MILLIS_DEFAULT = 120_000;
    public static final long SHUTDOWN_GRACE_MILLIS_DEFAULT = 10_000;

    public HttpApiSettings {
        require(host != null && !host.isBlank(), "http.host must be a host name or address, got '%s'", host);
        require(port >= 0 && port <= 65_535, "http.port must be 0..65535, got %s", port);
        require(valueBytesMax >= 1 && valueBytesMax <= Integer.MAX_VALUE - BODY_OVERHEAD_BYTES,
                "http.value-bytes-max must be 1..%s, got %s", Integer.MAX_VALUE - BODY_OVERHEAD_BYTES, valueBytesMax);
        require(requestTimeoutMillis >= 1 && requestTimeoutMillis <= TIMEOUT_MILLIS_MAX,
                "http.request-timeout-millis must be 1..%s, got %s", TIMEOUT_MILLIS_MAX, requestTimeoutMillis);
        require(serviceGraceMillis >= 1, "http.service-grace-millis must be >= 1, got %s", serviceGraceMillis);
        require(serverInstances >= 1 && serverInstances <= 256,
                "http.server-instances must be 1..256, got %s", serverInstances);
        require(idleTimeoutMillis >= 0, "http.idle-timeout-millis must be >= 0, got %s", idleTimeoutMillis);
        require(shutdownGraceMillis >= 0, "http.shutdown-grace-millis must be >= 0, got %s", shutdownGraceMillis);
        require(limits != null, "http limits must be set");
        require(security != null, "http security must be set");
    }

    /** Every limit at its default, listening on {@code host:port}. */
    public static HttpApiSettings defaults(String host, int port) {
        return new HttpApiSettings(host, port, VALUE_BYTES_MAX_DEFAULT, REQUEST_TIMEOUT_MILLIS_DEFAULT,
                SERVICE_GRACE_MILLIS_DEFAULT, 1, IDLE_TIMEOUT_MILLIS_DEFAULT, SHUTDOWN_GRACE_MILLIS_DEFAULT,
                HttpConfig.Limits.defaults(), HttpConfig.Security.NONE);
    }

    /** The whole request body may be this large: the value limit plus {@link #BODY_OVERHEAD_BYTES}. */
    public int bodyBytesMax() {
        return valueBytesMax + BODY_OVERHEAD_BYTES;
    }

    public HttpApiSettings withValueBytesMax(int bytes) {
        return new HttpApiSettings(host, port, bytes, requestTimeoutMillis, serviceGraceMillis, serverInstances,
                idleTimeoutMillis, shutdownGraceMillis, limits, security);
    }

    public HttpApiSettings withTimeouts(long requestMillis, long serviceGrace) {
        return new HttpApiSettings(host, port, valueBytesMax, requestMillis, serviceGrace, serverInstances,
                idleTimeoutMillis, shutdownGraceMillis, limits, security);
    }

    public HttpApiSettings withServerInstances(int instances) {
        return new HttpApiSettings(host, port, valueBytesMax, requestTimeoutMillis, serviceGraceMillis, instances,
                idleTimeoutMillis, shutdownGraceMillis, limits, security);
    }

    public HttpApiSettings withLimits(HttpConfig.Limits newLimits) {
        return new HttpApiSettings(host, port, valueBytesMax, requestTimeoutMillis, serviceGraceMillis, serverInstances,
                idleTimeoutMillis, shutdownGraceMillis, newLimits, security);
    }

    public HttpApiSettings withSecurity(HttpConfig.Security newSecurity) {
        return new HttpApiSettings(host, port, valueBytesMax, requestTimeoutMillis, serviceGraceMillis, serverInstances,
                idleTimeoutMillis, shutdownGraceMillis, limits, newSecurity);
    }
}
