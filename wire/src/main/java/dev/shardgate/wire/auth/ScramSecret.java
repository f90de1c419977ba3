package dev.shardgate.wire.auth;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.Arrays;
import java.util.Base64;

/**
 * What a server keeps to verify SCRAM-SHA-256 logins without knowing the password; PostgreSQL
 * stores it in {@code pg_authid.rolpassword} as
 * {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} (base64 fields), which is
 * what {@link #parse} reads and {@link #toString} writes.
 */
public record ScramSecret(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
    private static final String PREFIX = ScramSha256.MECHANISM + "$";

    public ScramSecret {
        if (iterations < 1) {
            throw invalid("iteration count " + iterations + " is not positive");
        }
        if (salt.length == 0) {
            throw invalid("salt is empty");
        }
        if (storedKey.length != ScramSha256.KEY_LENGTH || serverKey.length != ScramSha256.KEY_LENGTH) {
            throw invalid("StoredKey and ServerKey must be " + ScramSha256.KEY_LENGTH + " bytes");
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    /** Whether {@code text} is in PostgreSQL's stored SCRAM secret format (judged by its prefix). */
    public static boolean isSecret(String text) {
        return text.startsWith(PREFIX);
    }

    /** Reads PostgreSQL's stored format; the message never repeats the secret itself. */
    public static ScramSecret parse(String text) {
        if (!isSecret(text)) {
            throw invalid("it does not start with \"" + PREFIX + "\"");
        }
        String[] halves = text.substring(PREFIX.length()).split("\\$", -1);
        String[] params = halves[0].split(":", -1);
        String[] keys = halves.length == 2 ? halves[1].split(":", -1) : new String[0];
        if (halves.length != 2 || params.length != 2 || keys.length != 2) {
            throw invalid("expected " + PREFIX + "<iterations>:<salt>$<StoredKey>:<ServerKey>");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(params[0]);
        } catch (NumberFormatException e) {
            throw invalid("iteration count is not a number");
        }
        return new ScramSecret(iterations, base64(params[1], "salt"), base64(keys[0], "StoredKey"),
                base64(keys[1], "ServerKey"));
    }

    /** The secret PostgreSQL would store for {@code password} with this salt and iteration count. */
    public static ScramSecret fromPassword(String password, byte[] salt, int iterations) {
        if (iterations < 1) {
            throw invalid("iteration count " + iterations + " is not positive");
        }
        byte[] saltedPassword = ScramSha256.saltedPassword(password, salt, iterations);
        return new ScramSecret(iterations, salt,
                ScramSha256.storedKey(ScramSha256.clientKey(saltedPassword)),
                ScramSha256.serverKey(saltedPassword));
    }

    /**
     * The secret for a configured credential, which like PostgreSQL's {@code PASSWORD} clause may
     * be a stored SCRAM secret or a plain password; a plain one gets a fresh random salt and
     * PostgreSQL's default 4096 iterations. An MD5 hash cannot be turned into a SCRAM secret and
     * is refused rather than taken as a 35-character password.
     */
    public static ScramSecret forPassword(String passwordOrSecret) {
        if (isSecret(passwordOrSecret)) {
            return parse(passwordOrSecret);
        }
        if (Md5Password.isStoredHash(passwordOrSecret)) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                    "an MD5 password hash cannot be used for SCRAM-SHA-256 authentication");
        }
        return fromPassword(passwordOrSecret, ScramSha256.randomBytes(ScramSha256.SALT_LENGTH),
                ScramSha256.DEFAULT_ITERATIONS);
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ScramSecret that
                && iterations == that.iterations
                && Arrays.equals(salt, that.salt)
                && Arrays.equals(storedKey, that.storedKey)
                && Arrays.equals(serverKey, that.serverKey);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * iterations + Arrays.hashCode(salt)) + Arrays.hashCode(storedKey))
                + Arrays.hashCode(serverKey);
    }

    /** PostgreSQL's stored format, as accepted by {@code CREATE ROLE … PASSWORD '…'}. */
    @Override
    public String toString() {
        Base64.Encoder b64 = Base64.getEncoder();
        return PREFIX + iterations + ":" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(storedKey) + ":" + b64.encodeToString(serverKey);
    }

    private static byte[] base64(String field, String name) {
        try {
            return Base64.getDecoder().decode(field);
        } catch (IllegalArgumentException e) {
            throw invalid(name + " is not valid base64");
        }
    }

    private static PgException invalid(String problem) {
        return new PgException(SqlState.INVALID_PARAMETER_VALUE, "invalid SCRAM-SHA-256 secret: " + problem);
    }
}
