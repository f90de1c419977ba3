package dev.shardgate.wire;

import static dev.shardgate.wire.Wire.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message against bytes written by hand from PostgreSQL's "Message Formats" section: the
 * encoding must match byte for byte, and decoding those bytes must give the message back.
 */
class GoldenEncodingTest {
    /** "SCRAM-SHA-256" in ASCII. */
    private static final String SCRAM = " 53 43 52 41 4d 2d 53 48 41 2d 32 35 36 ";

    static Stream<Arguments> frontendMessages() {
        Map<String, String> startup = new LinkedHashMap<>();
        startup.put("user", "alice");
        startup.put("database", "shop");
        return Stream.of(
                golden(StartupMessage.of(startup),
                        "00000022 00030000 7573657200 616c69636500 646174616261736500 73686f7000 00"),
                golden(new SslRequest(), "00000008 04d2162f"),
                golden(new GssEncRequest(), "00000008 04d21630"),
                golden(new CancelRequest(1234, 5678), "00000010 04d2162e 000004d2 0000162e"),
                golden(new Query("select 1"), "51 0000000d 73656c6563742031 00"),
                golden(new Query("\u00fc\u20ac\uD83D\uDE00"), "51 0000000e c3bc e282ac f09f9880 00"),
                golden(new Parse("s1", "select $1", new int[] {23}),
                        "50 00000017 733100 73656c656374202431 00 0001 00000017"),
                golden(new Parse("", ""), "50 00000008 00 00 0000"),
                golden(new Bind("", "s1", new short[] {1}, new byte[][] {{0, 0, 0, 42}, null}, new short[] {0}),
                        "42 0000001e 00 733100 0001 0001 0002 00000004 0000002a ffffffff 0001 0000"),
                golden(Describe.statement("s1"), "44 00000008 53 733100"),
                golden(Describe.portal(""), "44 00000006 50 00"),
                golden(new Execute("", 0), "45 00000009 00 00000000"),
                golden(new Execute("c1", 100), "45 0000000b 633100 00000064"),
                golden(new Sync(), "53 00000004"),
                golden(new Flush(), "48 00000004"),
                golden(Close.portal("c1"), "43 00000008 50 633100"),
                golden(Close.statement(""), "43 00000006 53 00"),
                golden(new CopyData(new byte[] {1, 2, 3}), "64 00000007 010203"),
                golden(new CopyDone(), "63 00000004"),
                golden(new CopyFail("boom"), "66 00000009 626f6f6d00"),
                golden(PasswordMessage.cleartext("secret"), "70 0000000b 73656372657400"),
                golden(PasswordMessage.saslInitialResponse("SCRAM-SHA-256", "n,,".getBytes(StandardCharsets.US_ASCII)),
                        "70 00000019" + SCRAM + "00 00000003 6e2c2c"),
                golden(PasswordMessage.saslInitialResponse("SCRAM-SHA-256", null),
                        "70 00000016" + SCRAM + "00 ffffffff"),
                golden(PasswordMessage.saslResponse("c=biws".getBytes(StandardCharsets.US_ASCII)),
                        "70 0000000a 633d62697773"),
                golden(new FunctionCall(hex("00000001 0000 0000 0000")), "46 0000000e 00000001 0000 0000 0000"),
                golden(new Terminate(), "58 00000004"));
    }

    static Stream<Arguments> backendMessages() {
        return Stream.of(
                golden(new AuthenticationOk(), "52 00000008 00000000"),
                golden(new AuthenticationCleartextPassword(), "52 00000008 00000003"),
                golden(new AuthenticationMd5Password(new byte[] {1, 2, 3, 4}), "52 0000000c 00000005 01020304"),
                golden(new AuthenticationSasl(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256")),
                        "52 0000002a 0000000a" + SCRAM + "2d504c555300" + SCRAM + "00 00"),
                golden(new AuthenticationSaslContinue("r=abc".getBytes(StandardCharsets.US_ASCII)),
                        "52 0000000d 0000000b 723d616263"),
                golden(new AuthenticationSaslFinal("v=xyz".getBytes(StandardCharsets.US_ASCII)),
                        "52 0000000d 0000000c 763d78797a"),
                golden(new ParameterStatus("client_encoding", "UTF8"),
                        "53 00000019 636c69656e745f656e636f64696e6700 5554463800"),
                golden(new BackendKeyData(1234, 5678), "4b 0000000c 000004d2 0000162e"),
                golden(new ReadyForQuery((byte) 'I'), "5a 00000005 49"),
                golden(ReadyForQuery.IN_TRANSACTION, "5a 00000005 54"),
                golden(ReadyForQuery.IN_FAILED_TRANSACTION, "5a 00000005 45"),
                golden(new RowDescription(List.of(
                                new RowDescription.Field("id", 16384, (short) 1, 23, (short) 4, -1, (short) 0),
                                RowDescription.Field.text("name"))),
                        "54 00000032 0002"
                                + "696400 00004000 0001 00000017 0004 ffffffff 0000"
                                + "6e616d6500 00000000 0000 00000019 ffff ffffffff 0000"),
                golden(new RowDescription(List.of()), "54 00000006 0000"),
                golden(DataRow.text("42", null, ""), "44 00000014 0003 00000002 3432 ffffffff 00000000"),
                golden(new CommandComplete("SELECT 1"), "43 0000000d 53454c4543542031 00"),
                golden(new EmptyQueryResponse(), "49 00000004"),
                golden(ErrorResponse.of(new PgException(SqlState.SYNTAX_ERROR, "bad")),
                        "45 0000001f 53 4552524f5200 56 4552524f5200 43 343236303100 4d 62616400 00"),
                golden(NoticeResponse.of("WARNING", SqlState.WARNING, "hm"),
                        "4e 00000022 53 5741524e494e4700 56 5741524e494e4700 43 303130303000 4d 686d00 00"),
                golden(new NotificationResponse(77, "ch", "hi"), "41 0000000e 0000004d 636800 686900"),
                golden(new ParseComplete(), "31 00000004"),
                golden(new BindComplete(), "32 00000004"),
                golden(new CloseComplete(), "33 00000004"),
                golden(new NoData(), "6e 00000004"),
                golden(new PortalSuspended(), "73 00000004"),
                golden(new ParameterDescription(new int[] {23, 25}), "74 0000000e 0002 00000017 00000019"),
                golden(new CopyInResponse((byte) 0, new short[] {0, 0}), "47 0000000b 00 0002 0000 0000"),
                golden(new CopyOutResponse((byte) 1, new short[] {1}), "48 00000009 01 0001 0001"),
                golden(new CopyBothResponse((byte) 0, new short[] {}), "57 00000007 00 0000"),
                golden(new CopyData("hi".getBytes(StandardCharsets.US_ASCII)), "64 00000006 6869"),
                golden(new CopyDone(), "63 00000004"),
                golden(new NegotiateProtocolVersion(0, List.of("_pq_.foo")),
                        "76 00000015 00000000 00000001 5f70715f2e666f6f00"),
                golden(new FunctionCallResponse(hex("00000001 07")), "56 00000009 00000001 07"));
    }

    private static Arguments golden(Object message, String spacedHex) {
        return Arguments.of(message.getClass().getSimpleName(), message, spacedHex);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frontendMessages")
    void frontendEncodingIsByteExact(String name, FrontendMessage message, String expected) {
        assertThat(hex(Encoder.encode(message))).isEqualTo(hex(hex(expected)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backendMessages")
    void backendEncodingIsByteExact(String name, BackendMessage message, String expected) {
        assertThat(hex(Encoder.encode(message))).isEqualTo(hex(hex(expected)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frontendMessages")
    void frontendBytesDecodeToTheMessage(String name, FrontendMessage message, String expected) throws IOException {
        byte[] bytes = hex(expected);
        if (isStartupPacket(message)) {
            assertThat(Decoder.decodeStartup(ByteBuffer.wrap(bytes, 4, bytes.length - 4))).isEqualTo(message);
            assertThat(reader(bytes).readStartupPacket()).isEqualTo(message);
        } else {
            assertThat(Decoder.decodeFrontend(bytes[0], payloadOf(bytes))).isEqualTo(message);
            assertThat(Decoder.decodeFrontend(bytes[0], payloadOf(bytes).asReadOnlyBuffer())).isEqualTo(message);
            assertThat(reader(bytes).readFrontend()).isEqualTo(message);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backendMessages")
    void backendBytesDecodeToTheMessage(String name, BackendMessage message, String expected) throws IOException {
        byte[] bytes = hex(expected);
        assertThat(Decoder.decodeBackend(bytes[0], payloadOf(bytes))).isEqualTo(message);
        assertThat(Decoder.decodeBackend(bytes[0], payloadOf(bytes).asReadOnlyBuffer())).isEqualTo(message);
        PgReader reader = reader(bytes);
        assertThat(reader.readBackend()).isEqualTo(message);
        assertThat(reader.next()).isEqualTo(-1);
    }

    @Test
    void everyMessageTypeHasAGoldenEncoding() {
        assertThat(coveredTypes(frontendMessages()))
                .containsExactlyInAnyOrderElementsOf(List.of(FrontendMessage.class.getPermittedSubclasses()));
        assertThat(coveredTypes(backendMessages()))
                .containsExactlyInAnyOrderElementsOf(List.of(BackendMessage.class.getPermittedSubclasses()));
    }

    @Test
    void decodingLeavesTheCallersBufferPositionAlone() {
        byte[] bytes = hex("00 ff 51 0000000d 73656c6563742031 00 ff");
        ByteBuffer payload = ByteBuffer.wrap(bytes).position(7).limit(16).slice();
        assertThat(Decoder.decodeFrontend((byte) 'Q', payload)).isEqualTo(new Query("select 1"));
        assertThat(payload.position()).isZero();
    }

    private static Set<Class<?>> coveredTypes(Stream<Arguments> goldens) {
        return goldens.map(arguments -> arguments.get()[1].getClass()).collect(Collectors.toSet());
    }

    static boolean isStartupPacket(FrontendMessage message) {
        return message instanceof StartupMessage || message instanceof SslRequest
                || message instanceof GssEncRequest || message instanceof CancelRequest;
    }

    static ByteBuffer payloadOf(byte[] typedMessage) {
        return ByteBuffer.wrap(Arrays.copyOfRange(typedMessage, 5, typedMessage.length));
    }

    private static PgReader reader(byte[] bytes) {
        return new PgReader(new ByteArrayInputStream(bytes), 1 << 20);
    }
}
