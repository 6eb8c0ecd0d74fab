package io.kvorum.admin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** HTTP/1.1 (or HTTPS) requests to one node, each bounded by the tool's timeout, with the bearer token if given. */
final class NodeClient implements AutoCloseable {
    /** An answer: its status and its body parsed as JSON. */
    record Answer(int status, Json body) {}

    /** The node could not be reached, or did not answer in time, or answered something that is not JSON. */
    static final class UnreachableException extends Exception {
        UnreachableException(String message) {
            super(message);
        }
    }

    private final String node;
    private final Duration timeout;
    private final HttpClient client;
    private final Optional<String> token;
    private final String scheme;

    NodeClient(String node, Duration timeout) throws UnreachableException {
        this(node, timeout, Optional.empty(), Optional.empty());
    }

    /** With a bearer token, and over HTTPS trusting the PEM certificates in {@code tlsCa} when given. */
    NodeClient(String node, Duration timeout, Optional<String> token, Optional<String> tlsCa) throws UnreachableException {
        this.node = node;
        this.timeout = timeout;
        this.token = token;
        this.scheme = tlsCa.isPresent() ? "https" : "http";
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout);
        if (tlsCa.isPresent()) {
            builder.sslContext(trusting(Path.of(tlsCa.get())));
        }
        this.client = builder.build();
    }

    private static SSLContext trusting(Path pem) throws UnreachableException {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new UnreachableException("--tls-ca " + pem + ": not usable as trusted PEM certificates: " + e.getMessage());
        }
    }

    String node() {
        return node;
    }

    Answer get(String pathAndQuery) throws UnreachableException {
        return send("GET", pathAndQuery, null);
    }

    Answer send(String method, String pathAndQuery, String jsonBody) throws UnreachableException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://" + node + pathAndQuery)).timeout(timeout)
                .method(method, jsonBody == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UnreachableException("cannot reach " + node + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted while waiting for " + node);
        }
        try {
            return new Answer(response.statusCode(), Json.parse(response.body()));
        } catch (Json.MalformedException e) {
            throw new UnreachableException(node + " answered " + method + " " + pathAndQuery + " with HTTP "
                    + response.statusCode() + " and a body that is " + e.getMessage() + "; is it a Kvorum node?");
        }
    }

    private String describe(IOException e) {
        String name = e.getClass().getSimpleName();
        if (name.contains("Timeout")) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            return name.equals("ConnectException") ? "connection refused" : name;
        }
        return e.getMessage();
    }

    @Override
    public void close() {
        client.close();
    }
}
