package io.kvorum.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.kvorum.common.Bytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes response bodies with Jackson's streaming generator (no object mapping, no reflection). */
final class JsonText {
    /** Body writer: a step that emits fields into an open generator. */
    @FunctionalInterface
    interface Writer {
        void write(JsonGenerator json) throws IOException;
    }

    private final JsonFactory factory = new JsonFactory();

    /** The UTF-8 bytes of whatever {@code writer} emits. */
    Bytes render(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = factory.createGenerator(out, JsonEncoding.UTF8)) {
            writer.write(json);
        } catch (IOException e) {
            // A ByteArrayOutputStream never fails; only a bug in a writer gets here.
            throw new UncheckedIOException("rendering a response body failed", e);
        }
        return Bytes.wrapOwned(out.toByteArray());
    }
}
