package dev.shardgate.wire.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Expected values were produced by PostgreSQL 15 (CREATE ROLE … PASSWORD with password_encryption=md5, and md5() in SQL). */
class Md5PasswordTest {
    private static final byte[] SALT = HexFormat.of().parseHex("01020304");

    @Test
    void storedHashIsWhatPostgresStoresInPgAuthid() {
        assertThat(Md5Password.storedHash("md5user", "secret")).isEqualTo("md52aea419619857e8a27f0f7aa641db0c6");
        assertThat(Md5Password.storedHash("user", "pencil")).isEqualTo("md520c46e3762c864548e296b33c3406aa9");
    }

    @Test
    void clientResponseIsMd5OfStoredHashAndSalt() {
        // SELECT 'md5' || md5(convert_to(substr(rolpassword, 4), 'UTF8') || '\x01020304'::bytea)
        assertThat(Md5Password.clientResponse("md5user", "secret", SALT)).isEqualTo("md56b614f1bd5dc8478f5705c783c9bbdc0");
        // a salt with bytes above 0x7f must be hashed as bytes, not as text
        assertThat(Md5Password.clientResponse("user", "pencil", HexFormat.of().parseHex("fe7f8081")))
                .isEqualTo("md51569754fa5d5a002a0152e39760987d3");
    }

    @Test
    void verifyAcceptsTheRightResponseAgainstAPlainPasswordOrAStoredHash() {
        String response = "md56b614f1bd5dc8478f5705c783c9bbdc0";
        assertThat(Md5Password.verify(response, "md5user", "secret", SALT)).isTrue();
        assertThat(Md5Password.verify(response, "md5user", "md52aea419619857e8a27f0f7aa641db0c6", SALT)).isTrue();
    }

    @Test
    void verifyRejectsWrongPasswordUserSaltOrGarbage() {
        String response = Md5Password.clientResponse("md5user", "secret", SALT);
        assertThat(Md5Password.verify(response, "md5user", "Secret", SALT)).isFalse();
        assertThat(Md5Password.verify(response, "other", "secret", SALT)).isFalse();
        assertThat(Md5Password.verify(response, "md5user", "secret", HexFormat.of().parseHex("01020305"))).isFalse();
        assertThat(Md5Password.verify("", "md5user", "secret", SALT)).isFalse();
        assertThat(Md5Password.verify(response.toUpperCase(), "md5user", "secret", SALT)).isFalse();
    }

    @Test
    void aScramSecretCannotVerifyAnMd5Response() {
        String scram = ScramSecret.fromPassword("secret", new byte[] {1}, 1).toString();
        assertThat(Md5Password.verify(Md5Password.clientResponse("md5user", "secret", SALT), "md5user", scram, SALT)).isFalse();
    }

    @Test
    void storedHashIsRecognisedAsPostgresDoes() {
        assertThat(Md5Password.isStoredHash("md52aea419619857e8a27f0f7aa641db0c6")).isTrue();
        assertThat(Md5Password.isStoredHash("md52AEA419619857e8a27f0f7aa641db0c6")).isFalse();
        assertThat(Md5Password.isStoredHash("md52aea419619857e8a27f0f7aa641db0c")).isFalse();
        assertThat(Md5Password.isStoredHash("md5-secret")).isFalse();
    }

    @Test
    void newSaltIsFourFreshBytes() {
        assertThat(Md5Password.newSalt()).hasSize(4).isNotEqualTo(Md5Password.newSalt());
    }
}
