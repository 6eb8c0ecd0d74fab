package io.kvorum.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Per-connection deadlines and protocol checks that Vert.x's HTTP server does not offer, as two Netty
 * handlers around its request decoder. Its idle timeout restarts on every byte, so a client sending
 * a header line every 20 s would hold a connection for ever; here the head of a request must be
 * complete within {@code http.header-timeout} of its first byte, and its body within
 * {@code http.body-timeout} of the head (each answered 408 and closed). An idle keep-alive
 * connection (no byte of a next request yet) is left to the idle timeout.
 *
 * <p>It also answers what Vert.x would answer without a JSON body or not at all: an HTTP version
 * other than 1.0 and 1.1 gets 505 (Vert.x: an empty 501), and a body the decoder cannot read (a
 * malformed chunk) gets 400 {@code bad_request} before the close (Vert.x: a bare close). Both are
 * sent only while no response of the connection is under way; otherwise the connection just closes.
 *
 * <p>Confined to the channel's event loop, like every Netty handler: no locking.
 */
final class ConnectionGuard {
    static final String RAW_NAME = "kvorumRawGuard";
    static final String MESSAGE_NAME = "kvorumMessageGuard";

    /** Vert.x's names for its HTTP/1.x codec handlers (HttpServerConnectionInitializer). */
    static final String DECODER = "httpDecoder";
    static final String ENCODER = "httpEncoder";

    /** How long a closing connection's input is drained after its answer, before the full close. */
    static final long LINGER_MILLIS = 1_000;

    /** Where the connection is in its current request. */
    private enum Phase { IDLE, HEAD, BODY, READ }

    private final long headerTimeoutMillis;
    private final long bodyTimeoutMillis;
    private final Responses responses;
    private final Consumer<ErrorCode> errors;
    private Phase phase = Phase.IDLE;
    private ScheduledFuture<?> deadline;
    private boolean responseUnderWay;
    private boolean answered;
    private boolean closing;

    private ConnectionGuard(long headerTimeoutMillis, long bodyTimeoutMillis, Responses responses, Consumer<ErrorCode> errors) {
        this.headerTimeoutMillis = headerTimeoutMillis;
        this.bodyTimeoutMillis = bodyTimeoutMillis;
        this.responses = responses;
        this.errors = errors;
    }

    /**
     * Installs a guard into the pipeline of a Vert.x HTTP/1.x server connection: one handler before its
     * request decoder (it sees the first byte of each request) and one after its response encoder (it
     * sees decoded heads and bodies, and the responses written). {@code errors} counts each error sent.
     */
    static void install(ChannelPipeline pipeline, long headerTimeoutMillis, long bodyTimeoutMillis, Responses responses,
                        Consumer<ErrorCode> errors) {
        ConnectionGuard guard = new ConnectionGuard(headerTimeoutMillis, bodyTimeoutMillis, responses, errors);
        pipeline.addBefore(DECODER, RAW_NAME, guard.new RawWatcher());
        pipeline.addAfter(ENCODER, MESSAGE_NAME, guard.new MessageWatcher());
    }

    /**
     * Writes {@code reply} as a complete HTTP/1.1 response from {@code ctx} (a handler after the
     * encoder), then closes the way RFC 9112 section 9.6 asks: output first, then input after a short
     * linger. Closing both at once would make the kernel answer the client's unread bytes (a request
     * still arriving) with a reset, which on many systems destroys the answer before the client reads it.
     */
    static void answerAndClose(ChannelHandlerContext ctx, Reply reply) {
        byte[] body = reply.body().toByteArray();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        for (Map.Entry<String, String> header : reply.headers().entrySet()) {
            response.headers().set(header.getKey(), header.getValue());
        }
        response.headers().set(HttpHeaderNames.CONNECTION, "close");
        Channel channel = ctx.channel();
        ctx.writeAndFlush(response).addListener(written -> {
            if (written.isSuccess() && channel instanceof DuplexChannel duplex) {
                duplex.shutdownOutput().addListener(shut ->
                        channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS));
            } else {
                channel.close();
            }
        });
    }

    /**
     * Answers a connection the node will not serve (past the connection cap) with {@code reply} at once,
     * reading nothing of what the client sends, and closes it.
     */
    static void refuse(ChannelPipeline pipeline, Reply reply, Consumer<ErrorCode> errors) {
        ConnectionGuard guard = new ConnectionGuard(0, 0, new Responses(), errors);
        guard.closing = true; // every byte the client sends is dropped before the decoder
        pipeline.addBefore(DECODER, RAW_NAME, guard.new RawWatcher());
        pipeline.addAfter(ENCODER, MESSAGE_NAME, guard.new MessageWatcher());
        reply.error().ifPresent(errors);
        answerAndClose(pipeline.context(MESSAGE_NAME), reply);
    }

    private void startDeadline(ChannelHandlerContext ctx, long millis, Runnable onExpiry) {
        cancelDeadline();
        deadline = ctx.executor().schedule(onExpiry, millis, TimeUnit.MILLISECONDS);
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /** Answers {@code reply} when no response is under way (else only closes), and stops reading this connection. */
    private void fail(ChannelHandlerContext ctx, Reply reply) {
        if (closing) {
            return;
        }
        closing = true;
        cancelDeadline();
        if (responseUnderWay) {
            ctx.close();
            return;
        }
        reply.error().ifPresent(errors);
        answerAndClose(ctx, reply);
    }

    private static boolean hasBody(HttpRequest head) {
        try {
            return HttpUtil.isTransferEncodingChunked(head) || HttpUtil.getContentLength(head, 0L) > 0;
        } catch (NumberFormatException malformed) {
            return true; // the decoder refuses these first; if one got through, its body is still bounded
        }
    }

    /** Sees raw (decrypted) bytes: the first byte of a request starts its header deadline. */
    private final class RawWatcher extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (closing) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (phase == Phase.IDLE && msg instanceof ByteBuf bytes && bytes.isReadable()) {
                phase = Phase.HEAD;
                ChannelHandlerContext writer = ctx.pipeline().context(MESSAGE_NAME);
                startDeadline(ctx, headerTimeoutMillis, () -> fail(writer == null ? ctx : writer,
                        responses.requestTimeout("line and headers", "http.header-timeout", headerTimeoutMillis)));
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancelDeadline();
            ctx.fireChannelInactive();
        }
    }

    /** Sees decoded requests and the responses written to them. */
    private final class MessageWatcher extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (closing) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpRequest head && head.decoderResult().isSuccess()) {
                HttpVersion version = head.protocolVersion();
                if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
                    ReferenceCountUtil.release(msg);
                    fail(ctx, responses.versionNotSupported(version.text()));
                    return;
                }
                cancelDeadline();
                phase = Phase.BODY;
                answered = false;
                if (hasBody(head)) { // a body-less request (most GETs) needs no timer
                    startDeadline(ctx, bodyTimeoutMillis, () -> fail(ctx,
                            responses.requestTimeout("body", "http.body-timeout", bodyTimeoutMillis)));
                }
            }
            if (msg instanceof HttpContent content && !(msg instanceof HttpRequest) && content.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                fail(ctx, responses.error(ApiError.of(ErrorCode.BAD_REQUEST, "the request body is not valid HTTP/1.1 framing"
                        + " (a malformed chunk: " + Responses.abbreviate(String.valueOf(content.decoderResult().cause())) + ")"))
                        .closing());
                return;
            }
            if (msg instanceof LastHttpContent && phase == Phase.BODY) {
                cancelDeadline();
                // Answered before its body was in (an early 400 or 413): the next byte is a new request.
                phase = answered ? Phase.IDLE : Phase.READ;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpResponse response && response.status().code() >= 200) {
                responseUnderWay = true;
            }
            if (msg instanceof LastHttpContent && responseUnderWay) {
                responseUnderWay = false;
                answered = true;
                if (phase == Phase.READ) {
                    phase = Phase.IDLE; // the next byte starts the next request's header deadline
                }
            }
            ctx.write(msg, promise);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancelDeadline();
            ctx.fireChannelInactive();
        }
    }
}
