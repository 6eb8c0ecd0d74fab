package io.kvorum.admin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * A small, strict JSON (RFC 8259) reader and writer for the answers the admin tool reads: keeping
 * the tool free of dependencies is worth the 200 lines. Numbers keep their exact text, so a value
 * read from the store prints as it was written; objects keep their field order.
 */
sealed interface Json {
    /** Nesting deeper than this is refused (a hostile or broken answer must not overflow the stack). */
    int DEPTH_MAX = 512;

    /** An object; fields in the order they came. */
    record Obj(SequencedMap<String, Json> fields) implements Json {
        public Obj {
            fields = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(fields));
        }
    }

    /** An array. */
    record Arr(List<Json> items) implements Json {
        public Arr {
            items = List.copyOf(items);
        }
    }

    /** A string. */
    record Str(String value) implements Json {}

    /** A number, as its exact text. */
    record Num(String text) implements Json {}

    /** {@code true} or {@code false}. */
    record Bool(boolean value) implements Json {}

    /** {@code null}. */
    record Null() implements Json {}

    /** The text is not JSON; the message says where and why. */
    final class MalformedException extends RuntimeException {
        MalformedException(String message) {
            super(message);
        }
    }

    Null NULL = new Null();

    static Json parse(String text) {
        Reader reader = new Reader(text);
        reader.skipSpace();
        Json value = reader.value(0);
        reader.skipSpace();
        if (reader.at < text.length()) {
            throw reader.malformed("unexpected text after the value");
        }
        return value;
    }

    /** The field {@code name} of an object, or {@link #NULL} when this is no object or has no such field. */
    default Json get(String name) {
        return this instanceof Obj obj ? obj.fields().getOrDefault(name, NULL) : NULL;
    }

    /** The items of an array; empty for anything else. */
    default List<Json> items() {
        return this instanceof Arr arr ? arr.items() : List.of();
    }

    /** A string's value, a number's or boolean's text; {@code fallback} for null, objects and arrays. */
    default String text(String fallback) {
        return switch (this) {
            case Str s -> s.value();
            case Num n -> n.text();
            case Bool b -> Boolean.toString(b.value());
            case Null n -> fallback;
            case Obj o -> fallback;
            case Arr a -> fallback;
        };
    }

    /** A number's value; {@code fallback} for anything else. */
    default double number(double fallback) {
        return this instanceof Num n ? Double.parseDouble(n.text()) : fallback;
    }

    default boolean isNull() {
        return this instanceof Null;
    }

    /** Compact JSON text. */
    default String write() {
        StringBuilder out = new StringBuilder();
        Writer.write(this, out, -1, 0);
        return out.toString();
    }

    /** JSON text indented by two spaces, for people reading {@code --json} output. */
    default String writePretty() {
        StringBuilder out = new StringBuilder();
        Writer.write(this, out, 2, 0);
        return out.toString();
    }

    static Obj object(SequencedMap<String, Json> fields) {
        return new Obj(fields);
    }

    static Str string(String value) {
        return new Str(value);
    }

    /** Renders values; {@code indent} < 0 means compact. */
    final class Writer {
        private Writer() {}

        static void write(Json value, StringBuilder out, int indent, int level) {
            switch (value) {
                case Obj obj -> writeObject(obj, out, indent, level);
                case Arr arr -> writeArray(arr, out, indent, level);
                case Str s -> quote(s.value(), out);
                case Num n -> out.append(n.text());
                case Bool b -> out.append(b.value());
                case Null n -> out.append("null");
            }
        }

        private static void writeObject(Obj obj, StringBuilder out, int indent, int level) {
            if (obj.fields().isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, Json> field : obj.fields().entrySet()) {
                out.append(first ? "" : ",");
                first = false;
                newline(out, indent, level + 1);
                quote(field.getKey(), out);
                out.append(indent < 0 ? ":" : ": ");
                write(field.getValue(), out, indent, level + 1);
            }
            newline(out, indent, level);
            out.append('}');
        }

        private static void writeArray(Arr arr, StringBuilder out, int indent, int level) {
            if (arr.items().isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            for (int i = 0; i < arr.items().size(); i++) {
                out.append(i == 0 ? "" : ",");
                newline(out, indent, level + 1);
                write(arr.items().get(i), out, indent, level + 1);
            }
            newline(out, indent, level);
            out.append(']');
        }

        private static void newline(StringBuilder out, int indent, int level) {
            if (indent >= 0) {
                out.append('\n').append(" ".repeat(indent * level));
            }
        }

        static void quote(String text, StringBuilder out) {
            out.append('"');
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }

    /** A recursive-descent parser over one string. */
    final class Reader {
        private final String text;
        private int at;

        Reader(String text) {
            this.text = text;
        }

        Json value(int depth) {
            if (depth > DEPTH_MAX) {
                throw malformed("nested deeper than " + DEPTH_MAX + " levels");
            }
            if (at >= text.length()) {
                throw malformed("unexpected end of text");
            }
            char c = text.charAt(at);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> new Str(string());
                case 't' -> literal("true", new Bool(true));
                case 'f' -> literal("false", new Bool(false));
                case 'n' -> literal("null", NULL);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw malformed("unexpected character '" + c + "'");
                }
            };
        }

        private Json object(int depth) {
            at++;
            SequencedMap<String, Json> fields = new LinkedHashMap<>();
            skipSpace();
            if (peek() == '}') {
                at++;
                return new Obj(fields);
            }
            while (true) {
                skipSpace();
                if (peek() != '"') {
                    throw malformed("expected a field name");
                }
                String name = string();
                skipSpace();
                expect(':');
                skipSpace();
                fields.put(name, value(depth + 1));
                skipSpace();
                if (peek() == ',') {
                    at++;
                    continue;
                }
                expect('}');
                return new Obj(fields);
            }
        }

        private Json array(int depth) {
            at++;
            List<Json> items = new ArrayList<>();
            skipSpace();
            if (peek() == ']') {
                at++;
                return new Arr(items);
            }
            while (true) {
                skipSpace();
                items.add(value(depth + 1));
                skipSpace();
                if (peek() == ',') {
                    at++;
                    continue;
                }
                expect(']');
                return new Arr(items);
            }
        }

        private String string() {
            at++; // the opening quote
            StringBuilder out = new StringBuilder();
            while (true) {
                if (at >= text.length()) {
                    throw malformed("unterminated string");
                }
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw malformed("control character in a string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (at >= text.length()) {
                    throw malformed("unterminated escape");
                }
                char escape = text.charAt(at++);
                switch (escape) {
                    case '"', '\\', '/' -> out.append(escape);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> out.append(unicodeEscape());
                    default -> throw malformed("bad escape \\" + escape);
                }
            }
        }

        private char unicodeEscape() {
            if (at + 4 > text.length()) {
                throw malformed("short \\u escape");
            }
            try {
                char c = (char) Integer.parseInt(text.substring(at, at + 4), 16);
                at += 4;
                return c;
            } catch (NumberFormatException e) {
                throw malformed("bad \\u escape");
            }
        }

        private Json number() {
            int start = at;
            if (peek() == '-') {
                at++;
            }
            if (peek() == '0') {
                at++;
            } else if (!digits()) {
                throw malformed("expected a digit");
            }
            if (peek() == '.') {
                at++;
                if (!digits()) {
                    throw malformed("expected a digit after '.'");
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                at++;
                if (peek() == '+' || peek() == '-') {
                    at++;
                }
                if (!digits()) {
                    throw malformed("expected a digit in the exponent");
                }
            }
            return new Num(text.substring(start, at));
        }

        private boolean digits() {
            int start = at;
            while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
                at++;
            }
            return at > start;
        }

        private Json literal(String word, Json value) {
            if (!text.startsWith(word, at)) {
                throw malformed("unexpected word");
            }
            at += word.length();
            return value;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw malformed("expected '" + c + "'");
            }
            at++;
        }

        private char peek() {
            return at < text.length() ? text.charAt(at) : '\0';
        }

        void skipSpace() {
            while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
        }

        MalformedException malformed(String why) {
            return new MalformedException("not JSON: " + why + " at character " + (at + 1));
        }
    }
}
