package io.kvorum.http;

import io.kvorum.common.Bytes;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.SequencedMap;

/**
 * A rendered response: status, JSON body and extra headers; {@code error} names the counter to bump.
 * A reply with {@code Connection: close} makes the exchange close the connection once it is written.
 */
record Reply(int status, Bytes body, Optional<ErrorCode> error, SequencedMap<String, String> headers) {
    static final String CONNECTION = "Connection";

    Reply {
        headers = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(headers));
    }

    static Reply ok(Bytes body) {
        return new Reply(200, body, Optional.empty(), new LinkedHashMap<>());
    }

    /** This reply with one more header. */
    Reply withHeader(String name, String value) {
        SequencedMap<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Reply(status, body, error, more);
    }

    /** This reply, asking the client to open a new connection for its next request. */
    Reply closing() {
        return withHeader(CONNECTION, "close");
    }

    boolean closesConnection() {
        return "close".equals(headers.get(CONNECTION));
    }
}
