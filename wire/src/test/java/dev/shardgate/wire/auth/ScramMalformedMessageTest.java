package dev.shardgate.wire.auth;

import static dev.shardgate.wire.auth.ScramExchangeTest.RFC_CLIENT_FINAL;
import static dev.shardgate.wire.auth.ScramExchangeTest.RFC_CLIENT_FIRST;
import static dev.shardgate.wire.auth.ScramExchangeTest.RFC_CLIENT_NONCE;
import static dev.shardgate.wire.auth.ScramExchangeTest.RFC_SALT;
import static dev.shardgate.wire.auth.ScramExchangeTest.RFC_SERVER_FIRST;
import static dev.shardgate.wire.auth.ScramExchangeTest.RFC_SERVER_NONCE;
import static dev.shardgate.wire.auth.ScramExchangeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whatever a peer sends, the answer is a PostgreSQL error, never another exception. */
class ScramMalformedMessageTest {
    private static final ScramSecret PENCIL = ScramSecret.fromPassword("pencil", RFC_SALT, 4096);
    private static final String NONCE = RFC_CLIENT_NONCE + RFC_SERVER_NONCE;

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""                                  | PROTOCOL_VIOLATION   | malformed SCRAM message
            x,,n=,r=abc                         | PROTOCOL_VIOLATION   | malformed SCRAM message
            n                                   | PROTOCOL_VIOLATION   | malformed SCRAM message
            n,                                  | PROTOCOL_VIOLATION   | malformed SCRAM message
            n;,n=,r=abc                         | PROTOCOL_VIOLATION   | malformed SCRAM message
            p=tls-server-end-point,,n=,r=abc    | PROTOCOL_VIOLATION   | malformed SCRAM message
            n,a=admin,n=,r=abc                  | FEATURE_NOT_SUPPORTED | client uses authorization identity, but it is not supported
            n,,m=ext,n=,r=abc                   | FEATURE_NOT_SUPPORTED | client requires an unsupported SCRAM extension
            n,,                                 | PROTOCOL_VIOLATION   | malformed SCRAM message
            n,,r=abc                            | PROTOCOL_VIOLATION   | malformed SCRAM message
            n,,n=                               | PROTOCOL_VIOLATION   | malformed SCRAM message
            n,,n=,r=                            | PROTOCOL_VIOLATION   | malformed SCRAM message
            n,,n=,r                             | PROTOCOL_VIOLATION   | malformed SCRAM message
            n,,n=,r=a b                         | PROTOCOL_VIOLATION   | malformed SCRAM message
            n,,n=,r=abc,1=x                     | PROTOCOL_VIOLATION   | malformed SCRAM message
            """)
    void malformedClientFirst(String message, SqlState state, String error) {
        assertError(() -> new ScramServer("user", PENCIL).serverFirst(bytes(message)), state, error);
    }

    @Test
    void channelBindingRequestIsRefusedWithAClearDetail() {
        assertThatThrownBy(() -> new ScramServer("user", PENCIL).serverFirst(bytes("p=tls-server-end-point,,n=,r=abc")))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.detail()).contains("channel binding"));
    }

    @Test
    void unknownExtensionsAfterTheNonceAreIgnoredAsPostgresDoes() {
        ScramServer server = new ScramServer("user", PENCIL, RFC_SERVER_NONCE);
        assertThat(server.serverFirst(bytes(RFC_CLIENT_FIRST + ",x=future")))
                .isEqualTo(bytes(RFC_SERVER_FIRST));
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""                                                    | PROTOCOL_VIOLATION | malformed SCRAM message
            c=biws                                                | PROTOCOL_VIOLATION | malformed SCRAM message
            r=NONCE,c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=  | PROTOCOL_VIOLATION | malformed SCRAM message
            c=eSws,r=NONCE,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=  | PROTOCOL_VIOLATION | SCRAM channel binding check failed
            c=biws,r=NONCEx,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ= | PROTOCOL_VIOLATION | invalid SCRAM response
            c=biws,r=rOprNGfwEbeRWgbNEkqO,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ= | PROTOCOL_VIOLATION | invalid SCRAM response
            c=biws,r=NONCE                                        | PROTOCOL_VIOLATION | malformed SCRAM message
            c=biws,r=NONCE,p=!!notbase64!!                        | PROTOCOL_VIOLATION | malformed SCRAM message
            c=biws,r=NONCE,p=c2hvcnQ=                             | PROTOCOL_VIOLATION | malformed SCRAM message
            c=biws,r=NONCE,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=,x=1 | PROTOCOL_VIOLATION | malformed SCRAM message
            c=biws,r=NONCE,p=                                     | PROTOCOL_VIOLATION | malformed SCRAM message
            c=biws,r=NONCE,x=ext,p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= | INVALID_PASSWORD | password authentication failed for user "user"
            """)
    void malformedOrWrongClientFinal(String message, SqlState state, String error) {
        ScramServer server = new ScramServer("user", PENCIL, RFC_SERVER_NONCE);
        server.serverFirst(bytes(RFC_CLIENT_FIRST));
        assertError(() -> server.serverFinal(bytes(message.replace("NONCE", NONCE))), state, error);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""                                                             | end of message
            s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096                               | Expected attribute
            m=ext,r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096 | unsupported SCRAM extension
            r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096        | nonce does not extend
            r=other%hvYD,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096                  | nonce does not extend
            r=rOprNGfwEbeRWgbNEkqOxyz,s=***,i=4096                          | Malformed salt
            r=rOprNGfwEbeRWgbNEkqOxyz,s=,i=4096                             | Empty salt
            r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0        | not between 1
            r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-5       | not between 1
            r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999 | not between 1
            r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4k       | Invalid iteration count
            r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==            | Expected attribute "i"
            r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1,x=y    | Garbage
            """)
    void malformedServerFirst(String message, String detail) {
        ScramClient client = new ScramClient("user", "pencil", RFC_CLIENT_NONCE);
        assertThatThrownBy(() -> client.clientFinal(bytes(message)))
                .isInstanceOfSatisfying(PgException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION);
                    assertThat(e.getMessage() + " " + e.detail()).contains(detail);
                });
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""                         | PROTOCOL_VIOLATION
            x=1                        | PROTOCOL_VIOLATION
            v=                         | INVALID_PASSWORD
            v=###                      | PROTOCOL_VIOLATION
            v=6rriTRBi23WpRR/wtup+mMhU | INVALID_PASSWORD
            e=other-error              | INVALID_PASSWORD
            """)
    void malformedServerFinal(String message, SqlState state) {
        ScramClient client = new ScramClient("user", "pencil", RFC_CLIENT_NONCE);
        client.clientFinal(bytes(RFC_SERVER_FIRST));
        assertThatThrownBy(() -> client.verifyServerFinal(bytes(message)))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.sqlState()).isEqualTo(state));
    }

    /** Random bytes and one-byte corruptions of valid messages, for every message either side reads. */
    @Test
    void corruptedMessagesOnlyEverRaisePgException() {
        Random random = new Random(7677);
        for (int i = 0; i < 300; i++) {
            readsOnlyPgErrors(m -> new ScramServer("user", PENCIL, RFC_SERVER_NONCE).serverFirst(m),
                    mutate(random, RFC_CLIENT_FIRST));
            readsOnlyPgErrors(m -> {
                ScramServer server = new ScramServer("user", PENCIL, RFC_SERVER_NONCE);
                server.serverFirst(bytes(RFC_CLIENT_FIRST));
                server.serverFinal(m);
            }, mutate(random, RFC_CLIENT_FINAL));
            readsOnlyPgErrors(m -> new ScramClient("user", "pencil", RFC_CLIENT_NONCE).clientFinal(m),
                    mutate(random, RFC_SERVER_FIRST.replace("i=4096", "i=1")));
            readsOnlyPgErrors(m -> {
                ScramClient client = new ScramClient("user", "pencil", RFC_CLIENT_NONCE);
                client.clientFinal(bytes(RFC_SERVER_FIRST.replace("i=4096", "i=1")));
                client.verifyServerFinal(m);
            }, mutate(random, ScramExchangeTest.RFC_SERVER_FINAL));
        }
    }

    private static byte[] mutate(Random random, String valid) {
        if (random.nextInt(4) == 0) {
            byte[] noise = new byte[random.nextInt(40)];
            random.nextBytes(noise);
            return noise;
        }
        byte[] message = bytes(valid);
        message[random.nextInt(message.length)] = (byte) random.nextInt(256);
        return message;
    }

    private static void readsOnlyPgErrors(Consumer<byte[]> reader, byte[] message) {
        try {
            reader.accept(message);
        } catch (PgException expected) {
            // the only acceptable failure
        }
    }

    private static void assertError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, SqlState state, String error) {
        ScramExchangeTest.assertPgError(call, state, error);
    }
}
