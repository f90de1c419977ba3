package dev.shardgate.wire.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM-SHA-256 functions of RFC 5802 section 2.2 and RFC 7677, as PostgreSQL uses them
 * ("SASL Authentication" in the Frontend/Backend Protocol chapter).
 */
public final class ScramSha256 {
    /** The SASL mechanism name a server offers in AuthenticationSASL. */
    public static final String MECHANISM = "SCRAM-SHA-256";
    /** PostgreSQL's default {@code scram_iterations}. */
    public static final int DEFAULT_ITERATIONS = 4096;
    /** Length of StoredKey, ServerKey, proofs and signatures. */
    public static final int KEY_LENGTH = 32;

    /** PostgreSQL's SCRAM_DEFAULT_SALT_LEN and SCRAM_RAW_NONCE_LEN. */
    static final int SALT_LENGTH = 16;
    static final int NONCE_LENGTH = 18;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] CLIENT_KEY = "Client Key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_KEY = "Server Key".getBytes(StandardCharsets.US_ASCII);

    private ScramSha256() {
    }

    /**
     * SaltedPassword := Hi(Normalize(password), salt, i), i.e. PBKDF2-HMAC-SHA-256 with one
     * output block; the password goes through {@link SaslPrep} as PostgreSQL's does.
     */
    public static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        return hi(SaslPrep.prepare(password), salt, iterations);
    }

    /** Hi(str, salt, i) of RFC 5802: U1 := HMAC(str, salt + INT(1)), Ui := HMAC(str, Ui-1), XOR of all. */
    public static byte[] hi(byte[] password, byte[] salt, int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive: " + iterations);
        }
        Mac mac = hmacKeyedWith(password);
        mac.update(salt);
        mac.update(new byte[] {0, 0, 0, 1});
        byte[] u = mac.doFinal();
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    public static byte[] hmac(byte[] key, byte[] data) {
        return hmacKeyedWith(key).doFinal(data);
    }

    /** H(str): SHA-256. */
    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always provides SHA-256", e);
        }
    }

    /** ClientKey := HMAC(SaltedPassword, "Client Key"). */
    public static byte[] clientKey(byte[] saltedPassword) {
        return hmac(saltedPassword, CLIENT_KEY);
    }

    /** ServerKey := HMAC(SaltedPassword, "Server Key"). */
    public static byte[] serverKey(byte[] saltedPassword) {
        return hmac(saltedPassword, SERVER_KEY);
    }

    /** StoredKey := H(ClientKey). */
    public static byte[] storedKey(byte[] clientKey) {
        return sha256(clientKey);
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] result = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            result[i] = (byte) (a[i] ^ b[i]);
        }
        return result;
    }

    /** Constant-time comparison, so a failed check does not reveal how much matched. */
    static boolean isEqual(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** A fresh nonce as PostgreSQL makes them: random bytes in base64, which has no ','. */
    static String newNonce() {
        return Base64.getEncoder().encodeToString(randomBytes(NONCE_LENGTH));
    }

    private static Mac hmacKeyedWith(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // An empty key is legal in HMAC but SecretKeySpec refuses it; a zero byte block is equivalent.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always provides HmacSHA256", e);
        }
    }
}
