package io.kvorum.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a request body into memory up to a limit. A declared {@code Content-Length} over the limit
 * is answered 413 before any of the body is read (and {@code 100 Continue} is never sent); a chunked
 * body is counted as it arrives and answered 413 the moment it passes the limit. After a 413 the
 * rest is discarded unread into memory and the connection is closed once the answer is written.
 */
final class BodyReader {
    private static final Logger LOG = LoggerFactory.getLogger(BodyReader.class);

    private BodyReader() {}

    /** Reads the exchange's body, then calls {@code onBody} on the event loop; or answers 413 itself. */
    static void read(HttpRoundTrip exchange, int bodyBytesMax, Reply tooLarge, Consumer<byte[]> onBody) {
        HttpServerRequest request = exchange.request();
        if (declaredLength(request) > bodyBytesMax) {
            exchange.send(tooLarge);
            return;
        }
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (exchange.answered()) {
                return; // discard: the answer is out and the connection is closing
            }
            if ((long) body.length() + chunk.length() > bodyBytesMax) {
                exchange.send(tooLarge);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(end -> {
            if (!exchange.answered()) {
                exchange.guard(() -> onBody.accept(body.getBytes()));
            }
        });
        request.exceptionHandler(cause -> LOG.debug("request body failed: {}", cause.toString()));
        if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
            request.response().writeContinue();
        }
    }

    /** The declared Content-Length, or -1 when there is none (chunked) or it is not a number. */
    private static long declaredLength(HttpServerRequest request) {
        String declared = request.getHeader("Content-Length");
        if (declared == null) {
            return -1;
        }
        try {
            return Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return -1; // the HTTP decoder rejects these; counting the bytes still bounds the body
        }
    }
}
