package io.kvorum.http;

import io.kvorum.config.ConfigException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bearer tokens of {@code http.auth.tokens-file} and their roles. Immutable, so every event loop
 * shares one.
 *
 * <p>File format, one token per line: {@code TOKEN ROLE[,ROLE...]}, roles {@code read}, {@code write},
 * {@code admin}; blank lines and text after {@code #} are ignored. A token is 16 to 512 characters
 * of RFC 6750's token alphabet ({@code A-Z a-z 0-9 - . _ ~ + /}, then {@code =} padding), e.g. the
 * output of {@code openssl rand -hex 32}. Errors name the line but never echo a token.
 *
 * <p>Lookups take the same time whatever the presented token is: each stored token is kept as its
 * SHA-256 digest, the presented one is hashed, and it is compared with every stored digest by
 * {@link MessageDigest#isEqual} (constant time) without stopping at a match, so neither the length
 * of a matching prefix nor which line matched shows in the response time.
 */
final class ClientTokens {
    static final String KEY = "http.auth.tokens-file";
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
    private static final int TOKEN_CHARS_MIN = 16;
    private static final int TOKEN_CHARS_MAX = 512;

    private record Entry(byte[] digest, Set<Role> roles) {}

    private final List<Entry> entries;

    private ClientTokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Reads and checks the file (its mode included); a problem is a {@link ConfigException} naming {@link #KEY}. */
    static ClientTokens load(Path file) {
        byte[] bytes = SecretFiles.readOwnerOnly(file, KEY);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(KEY + ": " + file + " is not UTF-8 text");
        }
        return parse(text, file.toString());
    }

    /** Parses the file's text; {@code source} names it in errors. */
    static ClientTokens parse(String text, String source) {
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (content.isEmpty()) {
                continue;
            }
            String where = KEY + ": " + source + " line " + (i + 1);
            String[] fields = content.split("\\s+");
            if (fields.length != 2) {
                throw new ConfigException(where + ": expected 'TOKEN ROLE[,ROLE...]', got " + fields.length + " fields");
            }
            String token = fields[0];
            if (token.length() < TOKEN_CHARS_MIN || token.length() > TOKEN_CHARS_MAX || !TOKEN.matcher(token).matches()) {
                throw new ConfigException(where + ": a token must be " + TOKEN_CHARS_MIN + ".." + TOKEN_CHARS_MAX
                        + " characters of A-Z a-z 0-9 - . _ ~ + / (then = padding); try openssl rand -hex 32");
            }
            if (!seen.add(token)) {
                throw new ConfigException(where + ": the token is listed twice");
            }
            entries.add(new Entry(sha256(token), roles(fields[1], where)));
        }
        if (entries.isEmpty()) {
            throw new ConfigException(KEY + ": " + source + " lists no token, so no client could do anything but GET /health");
        }
        return new ClientTokens(entries);
    }

    private static Set<Role> roles(String list, String where) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : list.split(",", -1)) {
            Role role = Role.parse(name).orElseThrow(() -> new ConfigException(where + ": unknown role '"
                    + Responses.abbreviate(name) + "' (roles: read, write, admin)"));
            roles.add(role);
        }
        if (roles.contains(Role.ADMIN)) {
            roles.addAll(EnumSet.allOf(Role.class));
        }
        return Collections.unmodifiableSet(roles);
    }

    /** The roles of {@code token}, or empty when it is not listed; takes the same time for every token. */
    Optional<Set<Role>> rolesOf(String token) {
        byte[] presented = sha256(token);
        Set<Role> found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), presented)) {
                found = entry.roles();
            }
        }
        return Optional.ofNullable(found);
    }

    int size() {
        return entries.size();
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
