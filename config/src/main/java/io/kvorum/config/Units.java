package io.kvorum.config;

import static io.kvorum.config.ConfigException.quote;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and formats the duration and byte-size notations that settings accept. */
final class Units {
    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;
    static final long GIB = 1024 * MIB;

    /** At most 12 digits, so that even hours convert to milliseconds without overflow. */
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(b|kib|mib|gib)?", Pattern.CASE_INSENSITIVE);
    private static final long MILLIS_PER_SECOND = 1_000;
    private static final long MILLIS_PER_MINUTE = 60 * MILLIS_PER_SECOND;
    private static final long MILLIS_PER_HOUR = 60 * MILLIS_PER_MINUTE;

    private Units() {}

    /** Parses {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}, plain milliseconds, or ISO-8601 ({@code PT2S}). */
    static Duration parseDuration(String text) {
        String trimmed = text.strip();
        Duration duration = trimmed.startsWith("P") || trimmed.startsWith("p")
                ? parseIsoDuration(text, trimmed)
                : parseShortDuration(text, trimmed);
        if (duration.getNano() % 1_000_000 != 0) {
            throw new ValueProblem(quote(text) + " is not a whole number of milliseconds");
        }
        return duration;
    }

    private static Duration parseShortDuration(String text, String trimmed) {
        Matcher matcher = DURATION.matcher(trimmed);
        if (!matcher.matches()) {
            throw new ValueProblem(quote(text) + " is not a duration such as 500ms, 2s, 1m, 1h, PT2S or plain milliseconds");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "ms" : matcher.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    private static Duration parseIsoDuration(String text, String trimmed) {
        try {
            Duration duration = Duration.parse(trimmed);
            duration.toMillis(); // throws ArithmeticException when the milliseconds would not fit a long
            return duration;
        } catch (DateTimeParseException e) {
            throw new ValueProblem(quote(text) + " is not an ISO-8601 duration such as PT2S");
        } catch (ArithmeticException e) {
            throw new ValueProblem(quote(text) + " is too large");
        }
    }

    /** Formats in the largest unit that divides the duration exactly: {@code 2s}, {@code 1500ms}, {@code 5m}. */
    static String formatDuration(Duration duration) {
        long millis;
        try {
            millis = duration.toMillis();
        } catch (ArithmeticException e) {
            return duration.toString();
        }
        if (duration.getNano() % 1_000_000 != 0) {
            return duration.toString();
        }
        if (millis == 0) {
            return "0s";
        }
        if (millis % MILLIS_PER_HOUR == 0) {
            return millis / MILLIS_PER_HOUR + "h";
        }
        if (millis % MILLIS_PER_MINUTE == 0) {
            return millis / MILLIS_PER_MINUTE + "m";
        }
        if (millis % MILLIS_PER_SECOND == 0) {
            return millis / MILLIS_PER_SECOND + "s";
        }
        return millis + "ms";
    }

    /** Parses plain bytes or a {@code KiB}/{@code MiB}/{@code GiB} suffix (binary units, any letter case). */
    static long parseBytes(String text) {
        Matcher matcher = SIZE.matcher(text.strip());
        if (!matcher.matches()) {
            throw new ValueProblem(quote(text) + " is not a size in plain bytes or with a KiB, MiB or GiB suffix such as 1MiB");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "b" : matcher.group(2).toLowerCase(Locale.ROOT);
        long unitBytes = switch (unit) {
            case "kib" -> KIB;
            case "mib" -> MIB;
            case "gib" -> GIB;
            default -> 1;
        };
        try {
            return Math.multiplyExact(amount, unitBytes);
        } catch (ArithmeticException e) {
            throw new ValueProblem(quote(text) + " is too large");
        }
    }

    /** Formats in the largest binary unit that divides the size exactly: {@code 1MiB}, {@code 1536KiB}, {@code 1000}. */
    static String formatBytes(long bytes) {
        if (bytes != 0 && bytes % GIB == 0) {
            return bytes / GIB + "GiB";
        }
        if (bytes != 0 && bytes % MIB == 0) {
            return bytes / MIB + "MiB";
        }
        if (bytes != 0 && bytes % KIB == 0) {
            return bytes / KIB + "KiB";
        }
        return Long.toString(bytes);
    }
}
