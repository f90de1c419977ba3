package dev.shardgate.wire.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * PostgreSQL's MD5 password scheme: {@code pg_authid} stores {@code "md5" + md5hex(password + user)},
 * and the answer to AuthenticationMD5Password is {@code "md5" + md5hex(md5hex(password + user) + salt)}
 * over the four salt bytes the server sent. Strings are hashed as UTF-8.
 */
public final class Md5Password {
    /** Length of the salt in AuthenticationMD5Password. */
    public static final int SALT_LENGTH = 4;

    private static final String PREFIX = "md5";
    private static final int STORED_HASH_LENGTH = PREFIX.length() + 32;

    private Md5Password() {
    }

    /** What a client sends in PasswordMessage after AuthenticationMD5Password with {@code salt}. */
    public static String clientResponse(String user, String password, byte[] salt) {
        return responseFromStoredHash(storedHash(user, password), salt);
    }

    /** The {@code pg_authid.rolpassword} value PostgreSQL stores for this user and password. */
    public static String storedHash(String user, String password) {
        return PREFIX + md5Hex(utf8(password + user));
    }

    /**
     * Whether {@code text} is a stored MD5 hash rather than a password, judged as PostgreSQL's
     * {@code get_password_type} does: "md5" and 32 lower-case hex digits.
     */
    public static boolean isStoredHash(String text) {
        return text.length() == STORED_HASH_LENGTH && text.startsWith(PREFIX)
                && text.chars().skip(PREFIX.length()).allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    /**
     * Whether a client's PasswordMessage {@code response} proves knowledge of the password.
     * {@code secret} is the configured credential: a plain password or a stored "md5…" hash. A
     * stored SCRAM secret cannot verify an MD5 response, so it never matches, as in PostgreSQL.
     */
    public static boolean verify(String response, String user, String secret, byte[] salt) {
        if (ScramSecret.isSecret(secret)) {
            return false;
        }
        String storedHash = isStoredHash(secret) ? secret : storedHash(user, secret);
        String expected = responseFromStoredHash(storedHash, salt);
        return MessageDigest.isEqual(utf8(expected), utf8(response));
    }

    /** Four random bytes for AuthenticationMD5Password, fresh for every login. */
    public static byte[] newSalt() {
        return ScramSha256.randomBytes(SALT_LENGTH);
    }

    private static String responseFromStoredHash(String storedHash, byte[] salt) {
        byte[] hexDigest = utf8(storedHash.substring(PREFIX.length()));
        byte[] salted = new byte[hexDigest.length + salt.length];
        System.arraycopy(hexDigest, 0, salted, 0, hexDigest.length);
        System.arraycopy(salt, 0, salted, hexDigest.length, salt.length);
        return PREFIX + md5Hex(salted);
    }

    private static String md5Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always provides MD5", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
