package io.kvorum.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster secret ({@code internode.secret-file}): at least {@link #BYTES_MIN} random bytes that
 * every member holds. Nothing uses it directly: each use derives its own key with {@link #derive}
 * (HMAC-SHA256 of a label under the secret, the "expand" step of HKDF, RFC 5869), so the key that
 * authenticates internode handshakes never also signs client contexts.
 *
 * <p>Immutable; {@link #toString()} never shows the bytes.
 */
public final class ClusterSecret {
    /** 256 bits: the HMAC-SHA256 key size; less would be the weakest link. */
    public static final int BYTES_MIN = 32;
    /** A secret file is a key, not a document: far more is a mistake (the wrong file named). */
    public static final int BYTES_MAX = 4096;
    private static final String HMAC = "HmacSHA256";
    /** Group and other permissions: any of them lets another local user read the key. */
    private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final byte[] bytes;

    private ClusterSecret(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    /** A secret from raw bytes (tests, and a file already read); at least {@link #BYTES_MIN} of them. */
    public static ClusterSecret of(byte[] bytes) {
        if (bytes.length < BYTES_MIN || bytes.length > BYTES_MAX) {
            throw new IllegalArgumentException("a cluster secret has " + BYTES_MIN + ".." + BYTES_MAX + " bytes, got " + bytes.length);
        }
        return new ClusterSecret(bytes);
    }

    /**
     * Reads the secret file named by {@code internode.secret-file}; every problem is a
     * {@link ConfigException} naming that key: missing, unreadable, too short or long, or readable by
     * other users (on file systems with POSIX permissions).
     */
    public static ClusterSecret read(Path file) {
        String key = ConfigKeys.INTERNODE_SECRET_FILE.name();
        byte[] content;
        try {
            if (Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                if (permissions.stream().anyMatch(NOT_OWNER::contains)) {
                    throw problem(key, file, "is readable or writable by other users (mode "
                            + java.nio.file.attribute.PosixFilePermissions.toString(permissions) + "); make it owner-only: chmod 600");
                }
            }
            if (Files.size(file) > BYTES_MAX) {
                throw problem(key, file, "is over " + BYTES_MAX + " bytes: is it the right file?");
            }
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw problem(key, file, "does not exist");
        } catch (AccessDeniedException e) {
            throw problem(key, file, "cannot be read (permission denied)");
        } catch (IOException e) {
            throw problem(key, file, "cannot be read: " + e.getMessage());
        }
        if (content.length < BYTES_MIN) {
            throw problem(key, file, "holds " + content.length + " bytes; a cluster secret needs at least " + BYTES_MIN
                    + " random bytes (make one with: head -c 64 /dev/urandom > FILE; chmod 600 FILE)");
        }
        try {
            return new ClusterSecret(content);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    private static ConfigException problem(String key, Path file, String what) {
        return new ConfigException(List.of(key), key + ": " + ConfigException.quote(file.toString()) + " " + what);
    }

    /** A key for one purpose: HMAC-SHA256(secret, label); distinct labels give independent keys. */
    public byte[] derive(String label) {
        return hmac(bytes, label.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** HMAC-SHA256 of {@code data} under {@code key}. */
    public static byte[] hmac(byte[] key, byte[] data) {
        return newHmac(key).doFinal(data);
    }

    /** A new HMAC-SHA256 keyed with {@code key}, for callers that sign many messages with one key (not thread-safe). */
    public static Mac newHmac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("the JDK must provide " + HMAC, e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterSecret other && java.security.MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(derive("kvorum hash code"));
    }

    @Override
    public String toString() {
        return "ClusterSecret[" + bytes.length + " bytes, redacted]";
    }
}
