package io.kvorum.config;

import static io.kvorum.config.ConfigException.quote;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvorum.common.NodeId;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds of value settings take: ranged integers, sizes and durations, hosts, ids, paths, enums. */
final class ValueTypes {
    private ValueTypes() {}

    /** An integer in {@code min..max}. */
    static ValueType<Integer> integer(int min, int max) {
        return new IntegerType(min, max, false);
    }

    /** A decimal number in {@code min..max}. */
    static ValueType<Double> decimal(double min, double max) {
        return new DecimalType(min, max);
    }

    /** A byte count in {@code min..max}, written as plain bytes or with a KiB/MiB/GiB suffix. */
    static ValueType<Integer> bytes(int min, int max) {
        return new IntegerType(min, max, true);
    }

    /** A duration in {@code min..max} (see {@link Units#parseDuration}). */
    static ValueType<Duration> duration(Duration min, Duration max) {
        return new DurationType(min, max);
    }

    /** {@code true} or {@code false}, nothing else (no yes/no/on/off guessing). */
    static ValueType<Boolean> bool() {
        return new BooleanType();
    }

    /** A host name or IP address to bind to or advertise. */
    static ValueType<String> host() {
        return new HostType();
    }

    /** A {@link NodeId}. */
    static ValueType<NodeId> nodeId() {
        return new NodeIdType();
    }

    /** A {@link NodeId}, or nothing (empty text). */
    static ValueType<Optional<NodeId>> optionalNodeId() {
        return new OptionalNodeIdType();
    }

    /** A file-system path; relative paths stay relative (to the working directory). */
    static ValueType<Path> path() {
        return new PathType();
    }

    /** One of an enum's constants, written in lower case (any case accepted). */
    static <E extends Enum<E>> ValueType<E> lowerCaseEnum(Class<E> type) {
        return new EnumType<>(type);
    }

    private record IntegerType(int min, int max, boolean isSize) implements ValueType<Integer> {
        @Override
        public Integer parse(String text) {
            long value = isSize ? Units.parseBytes(text) : parseLong(text);
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw new ValueProblem(quote(text) + " is out of range");
            }
            return (int) value;
        }

        private static long parseLong(String text) {
            String trimmed = text.strip();
            if (!trimmed.matches("[+-]?\\d{1,18}")) {
                throw new ValueProblem(quote(text) + " is not an integer");
            }
            return Long.parseLong(trimmed);
        }

        @Override
        public boolean inRange(Integer value) {
            return value >= min && value <= max;
        }

        @Override
        public String allowed() {
            return format(min) + ".." + format(max);
        }

        @Override
        public String format(Integer value) {
            return isSize ? Units.formatBytes(value) : Integer.toString(value);
        }
    }

    private record DecimalType(double min, double max) implements ValueType<Double> {
        @Override
        public Double parse(String text) {
            String trimmed = text.strip();
            if (!trimmed.matches("[+-]?\\d{1,9}(\\.\\d{1,9})?")) {
                throw new ValueProblem(quote(text) + " is not a decimal number");
            }
            return Double.parseDouble(trimmed);
        }

        @Override
        public boolean inRange(Double value) {
            return value >= min && value <= max;
        }

        @Override
        public String allowed() {
            return format(min) + ".." + format(max);
        }

        @Override
        public String format(Double value) {
            return value == Math.rint(value) ? Long.toString(value.longValue()) : Double.toString(value);
        }
    }

    private record DurationType(Duration min, Duration max) implements ValueType<Duration> {
        @Override
        public Duration parse(String text) {
            return Units.parseDuration(text);
        }

        @Override
        public boolean inRange(Duration value) {
            return value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
        }

        @Override
        public String allowed() {
            return format(min) + ".." + format(max);
        }

        @Override
        public String format(Duration value) {
            return Units.formatDuration(value);
        }
    }

    private record BooleanType() implements ValueType<Boolean> {
        @Override
        public Boolean parse(String text) {
            return switch (text.strip()) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw new ValueProblem(quote(text) + " is not a boolean");
            };
        }

        @Override
        public String allowed() {
            return "true, false";
        }
    }

    private record HostType() implements ValueType<String> {
        @Override
        public String parse(String text) {
            String host = text.strip();
            if (!HostPort.isValidHost(host)) {
                throw new ValueProblem(quote(text) + " is not a host name or IP address");
            }
            return host;
        }

        @Override
        public boolean inRange(String value) {
            return HostPort.isValidHost(value);
        }

        @Override
        public String allowed() {
            return "a host name or IP address";
        }
    }

    private record NodeIdType() implements ValueType<NodeId> {
        @Override
        public NodeId parse(String text) {
            String id = text.strip();
            if (!NodeId.isValid(id)) {
                throw new ValueProblem(quote(text) + " is not a valid node id");
            }
            return NodeId.of(id);
        }

        @Override
        public String allowed() {
            return "1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit";
        }
    }

    private record OptionalNodeIdType() implements ValueType<Optional<NodeId>> {
        @Override
        public Optional<NodeId> parse(String text) {
            return text.isBlank() ? Optional.empty() : Optional.of(new NodeIdType().parse(text));
        }

        @Override
        public Optional<NodeId> parse(JsonNode node) {
            return node.isNull() || (node.isTextual() && node.asText().isBlank()) ? Optional.empty()
                    : ValueType.super.parse(node);
        }

        @Override
        public String allowed() {
            return "empty, or a node id";
        }

        @Override
        public String format(Optional<NodeId> value) {
            return value.map(NodeId::value).orElse("");
        }
    }

    private record PathType() implements ValueType<Path> {
        @Override
        public Path parse(String text) {
            if (text.isBlank()) {
                throw new ValueProblem("is empty");
            }
            try {
                return Path.of(text.strip());
            } catch (InvalidPathException e) {
                throw new ValueProblem(quote(text) + " is not a valid path: " + e.getReason());
            }
        }

        @Override
        public String allowed() {
            return "a directory path";
        }
    }

    private record EnumType<E extends Enum<E>>(Class<E> type) implements ValueType<E> {
        @Override
        public E parse(String text) {
            String wanted = text.strip();
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(wanted)) {
                    return constant;
                }
            }
            throw new ValueProblem(quote(text) + " is not a known value");
        }

        @Override
        public String allowed() {
            return Arrays.stream(type.getEnumConstants()).map(this::format).collect(Collectors.joining(", "));
        }

        @Override
        public String format(E value) {
            return value.name().toLowerCase(Locale.ROOT);
        }
    }
}
