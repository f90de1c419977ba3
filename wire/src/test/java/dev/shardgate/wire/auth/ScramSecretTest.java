package dev.shardgate.wire.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ScramSecretTest {
    /** PostgreSQL 15: SET password_encryption = 'scram-sha-256'; CREATE ROLE u PASSWORD 'p'. */
    static final String POSTGRES_SECRET_FOR_P = "SCRAM-SHA-256$4096:qyf7ltjZPCQ+urIQAViCIg==$"
            + "+tKXiJ49ttO82jPje5EdM+4q2jeVSgANeu8xrrcLT78=:9hfaaSihz0N99+i+mAAQmWyfS88HawZMIH7Jn8vjGPY=";

    @Test
    void parseAndToStringRoundTripPostgresFormat() {
        ScramSecret secret = ScramSecret.parse(POSTGRES_SECRET_FOR_P);
        assertThat(secret.iterations()).isEqualTo(4096);
        assertThat(secret.salt()).hasSize(16);
        assertThat(secret.toString()).isEqualTo(POSTGRES_SECRET_FOR_P);
        assertThat(ScramSecret.parse(secret.toString())).isEqualTo(secret).hasSameHashCodeAs(secret);
    }

    @Test
    void derivedSecretEqualsTheOnePostgresStored() {
        ScramSecret stored = ScramSecret.parse(POSTGRES_SECRET_FOR_P);
        assertThat(ScramSecret.fromPassword("p", stored.salt(), stored.iterations())).isEqualTo(stored);
        assertThat(ScramSecret.fromPassword("q", stored.salt(), stored.iterations())).isNotEqualTo(stored);
    }

    /**
     * Secrets PostgreSQL 15 stored for non-ASCII passwords, each exercising one SASLprep rule:
     * the same salt and iterations must give the same keys, whether PostgreSQL normalized the
     * password or fell back to its raw bytes.
     */
    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
            I\u00ADX | SCRAM-SHA-256$4096:RR/Z5Ls5ifkQhaSCkq1Wlw==$eJ46HONneEiHHLYQUyGVCb2vLDeD41KfzAassQunHBw=:z6DjfkJFKmLx2Lg0xy5jtVGo44Aq6x1gENA5yJrKRCs= | soft hyphen mapped to nothing
            \u2168 | SCRAM-SHA-256$4096:nwzvLh68V4mLr4k/slbNUA==$Cs4669jfeAGsyfa1bGUVDu08WCkRopKidl7Jgh+v0F0=:GdnPfMumN46Bx0WlPV3BljCYkmP5J104nEgscrBOes8= | roman numeral nine NFKC-normalized to IX
            a\u0085b | SCRAM-SHA-256$4096:dl8gIWPOv9YUJGCzI3gRhA==$VrXLp1MnQsKbGGQ4ht53ticJ4m22T5YBvjywtrTKuD8=:slE5EtKL3ju6tWVtrn0nj753bsxRw+WMMZf8R9vg/Z0= | prohibited control character keeps raw bytes
            p\u00E4ss\u00A0w | SCRAM-SHA-256$4096:2n+3YlfEo4cTUPS3AtgvpQ==$lPsJZb3lZwoQyFO12LhEiF0RNQRaeJ852XXIBA4+P6U=:q5y1PRAvZg+bucTzAy4zYJwqayB9xBZqD6RxmwH10/s= | no-break space mapped to space
            a\u00A0\u05D0 | SCRAM-SHA-256$4096:ccERShqjOdQXlmJIBjJYTQ==$F7n1rGuxb4anJs63c9grgESp430Bn8AfM+5OMeUVmts=:0dVUJl5oClHRsNjEr48oHHKzGiFxh9Lnp0OzH1pJI6A= | left-to-right with right-to-left keeps raw bytes
            \u05D0\u00A0\u05D1 | SCRAM-SHA-256$4096:y0Cd6+NH4h23fPC6Tlppxw==$Mel/c2JJq6s4Tgxqhll+2k0Iq+8abTzZBeR9G9yATpk=:cLQVmOMhQplPse6549ZWAtL4/rfrHrHvtdKzi/I7Uzc= | right-to-left string is prepared
            x\u00A0\u20B9 | SCRAM-SHA-256$4096:Hlb5Z3/vaSb6688Y6dSEZQ==$lE4vqRiJmFzVOcZkn5669qd8SGJ3QIabGGsHkvuoPTA=:fkb7C3h2oHpW27Wj/M2V2QOpoLQ7sKwuS1jvnDxbMx4= | unassigned in Unicode 3.2 keeps raw bytes
            x\u00A0\u0220 | SCRAM-SHA-256$4096:YYVP88YKwlANdlX5kFRQ6w==$zm7PGxP1KurP6XdArC+sl9JpdhhDjBT7GcwkZHIW8uU=:nz517P/CIzNnZAI9Xz/CrhxQN3hGojCCv1zE/Yj1Kjk= | assigned in Unicode 3.2 is prepared
            \u00AD | SCRAM-SHA-256$4096:DIgiYq73N7hA1DaVs89VZA==$NPHVJ2UtY+b4rJoFzBfVslZi3tQ0RZ1ZCbm2c1nTqXk=:XFmdVbvokUKazKO/u7UYRFrniM2YyenqSS8NWvRZWIc= | nothing left after mapping keeps raw bytes
            \uD835\uDC00\u00A0\uFB01 | SCRAM-SHA-256$4096:UMUfIlZOaL85DOXohq1VaA==$RavFTbzAuQwA/Wv3RVUKY7mfoZDOlJMSAkBQFw9ncxs=:1WdxBYaky0flPbdxiqEml2qk2CO8F0AqEH/kx32pSgE= | supplementary character and ligature normalized
            \u00E9\u200Bb | SCRAM-SHA-256$4096:MiMdGWLNzTeyAJ3CA05hjg==$/jE83rEyugLIzQvZXGRmvdEUK55LizzYFa6akCUYC7k=:+QUvaESZmKPVL60foCliir04ttQo7z51ORtui2RcyNk= | zero width space mapped to space, not to nothing
            """)
    void saslPrepMatchesPostgres(String password, String postgresSecret, String rule) {
        ScramSecret stored = ScramSecret.parse(postgresSecret);
        assertThat(ScramSecret.fromPassword(password, stored.salt(), stored.iterations())).isEqualTo(stored);
    }

    @Test
    void forPasswordParsesASecretAndDerivesFromAPassword() {
        assertThat(ScramSecret.forPassword(POSTGRES_SECRET_FOR_P)).isEqualTo(ScramSecret.parse(POSTGRES_SECRET_FOR_P));

        ScramSecret derived = ScramSecret.forPassword("p");
        assertThat(derived.iterations()).isEqualTo(4096);
        assertThat(derived.salt()).hasSize(16);
        assertThat(ScramSecret.fromPassword("p", derived.salt(), 4096)).isEqualTo(derived);
        assertThat(ScramSecret.forPassword("p").salt()).isNotEqualTo(derived.salt());
    }

    @Test
    void forPasswordRefusesAnMd5Hash() {
        assertThatThrownBy(() -> ScramSecret.forPassword("md52aea419619857e8a27f0f7aa641db0c6"))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.sqlState()).isEqualTo(SqlState.INVALID_PARAMETER_VALUE))
                .hasMessageContaining("MD5");
    }

    @Test
    void accessorsDoNotExposeInternalArrays() {
        ScramSecret secret = ScramSecret.parse(POSTGRES_SECRET_FOR_P);
        secret.storedKey()[0] ^= 1;
        secret.salt()[0] ^= 1;
        assertThat(secret.toString()).isEqualTo(POSTGRES_SECRET_FOR_P);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "p",
        "SCRAM-SHA-1$4096:qyf7ltjZPCQ+urIQAViCIg==$+tKXiJ49ttO82jPje5EdM+4q2jeVSgANeu8xrrcLT78=:9hfaaSihz0N99+i+mAAQmWyfS88HawZMIH7Jn8vjGPY=",
        "SCRAM-SHA-256$",
        "SCRAM-SHA-256$4096:qyf7ltjZPCQ+urIQAViCIg==",
        "SCRAM-SHA-256$4096$qyf7ltjZPCQ+urIQAViCIg==:+tKXiJ49ttO82jPje5EdM+4q2jeVSgANeu8xrrcLT78=:9hfaaSihz0N99+i+mAAQmWyfS88HawZMIH7Jn8vjGPY=",
        "SCRAM-SHA-256$x:qyf7ltjZPCQ+urIQAViCIg==$+tKXiJ49ttO82jPje5EdM+4q2jeVSgANeu8xrrcLT78=:9hfaaSihz0N99+i+mAAQmWyfS88HawZMIH7Jn8vjGPY=",
        "SCRAM-SHA-256$0:qyf7ltjZPCQ+urIQAViCIg==$+tKXiJ49ttO82jPje5EdM+4q2jeVSgANeu8xrrcLT78=:9hfaaSihz0N99+i+mAAQmWyfS88HawZMIH7Jn8vjGPY=",
        "SCRAM-SHA-256$4096:$+tKXiJ49ttO82jPje5EdM+4q2jeVSgANeu8xrrcLT78=:9hfaaSihz0N99+i+mAAQmWyfS88HawZMIH7Jn8vjGPY=",
        "SCRAM-SHA-256$4096:qyf7ltjZ!!!+urIQAViCIg==$+tKXiJ49ttO82jPje5EdM+4q2jeVSgANeu8xrrcLT78=:9hfaaSihz0N99+i+mAAQmWyfS88HawZMIH7Jn8vjGPY=",
        "SCRAM-SHA-256$4096:qyf7ltjZPCQ+urIQAViCIg==$+tKXiJ49ttO82jPje5EdM+4q2jeVSgANeu8xrrcLT78=:9hfaaSihz0N99+i+mAAQmWyfS88HawZMIH7Jn8vj",
        "SCRAM-SHA-256$4096:qyf7ltjZPCQ+urIQAViCIg==$+tKXiJ49ttO82jPje5EdM+4q2jeVSgANeu8xrrcLT78=:9hfaaSihz0N99+i+mAAQmWyfS88HawZMIH7Jn8vjGPY=:x",
        "SCRAM-SHA-256$4096:qyf7ltjZPCQ+urIQAViCIg==$+tKXiJ49ttO82jPje5EdM+4q2jeVSgANeu8xrrcLT78=:9hfaaSihz0N99+i+mAAQmWyfS88HawZMIH7Jn8vjGPY=$",
    })
    void malformedSecretsAreInvalidParameterValuesThatDoNotEchoTheSecret(String text) {
        assertThatThrownBy(() -> ScramSecret.parse(text))
                .isInstanceOfSatisfying(PgException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo(SqlState.INVALID_PARAMETER_VALUE);
                    assertThat(e.getMessage()).startsWith("invalid SCRAM-SHA-256 secret").doesNotContain("qyf7ltjZ");
                });
    }
}
