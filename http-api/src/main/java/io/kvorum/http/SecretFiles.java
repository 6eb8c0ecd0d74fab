package io.kvorum.http;

import io.kvorum.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads files that hold secrets (bearer tokens, TLS private keys) named by a config key, refusing
 * one that other users could read: like ssh with a private key, a secret that leaked through its
 * file mode is no longer a secret, and saying so at start-up is kinder than a later breach.
 */
final class SecretFiles {
    private static final Set<PosixFilePermission> SHARED = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private SecretFiles() {}

    /** The file's bytes, after checking that only its owner may read it; errors name {@code key}. */
    static byte[] readOwnerOnly(Path file, String key) {
        requireOwnerOnly(file, key);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(key + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Throws a {@link ConfigException} naming {@code key} unless {@code file} is a regular file only its owner may use. */
    static void requireOwnerOnly(Path file, String key) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(key + ": " + file + " is not a readable file");
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // a file system without POSIX modes (Windows): its ACLs are the operator's to set
        } catch (IOException e) {
            throw new ConfigException(key + ": cannot read the permissions of " + file + ": " + e.getMessage());
        }
        Set<PosixFilePermission> shared = EnumSet.noneOf(PosixFilePermission.class);
        shared.addAll(permissions);
        shared.retainAll(SHARED);
        if (!shared.isEmpty()) {
            throw new ConfigException(key + ": " + file + " holds a secret but other users may use it (mode "
                    + PosixFilePermissions.toString(permissions) + "); make it readable by its owner only: chmod 600 " + file);
        }
    }

    /** A regular file that exists and can be read (certificates are public, so any mode will do). */
    static void requireReadable(Path file, String key) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigException(key + ": " + file + " is not a readable file");
        }
    }
}
