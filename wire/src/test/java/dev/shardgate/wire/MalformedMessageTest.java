package dev.shardgate.wire;

import static dev.shardgate.wire.Wire.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Whatever arrives, decoding ends in a message or a PROTOCOL_VIOLATION naming the message, never a crash. */
class MalformedMessageTest {

    @Test
    void unknownTypeBytesAreProtocolViolations() {
        assertViolation(() -> Decoder.decodeFrontend((byte) 'x', ByteBuffer.allocate(0)),
                "invalid frontend message type 'x'");
        assertViolation(() -> Decoder.decodeBackend((byte) 0x05, ByteBuffer.allocate(0)),
                "invalid backend message type 0x05");
        // 'T' is RowDescription from a server but means nothing from a client.
        assertViolation(() -> Decoder.decodeFrontend((byte) 'T', ByteBuffer.allocate(0)),
                "invalid frontend message type 'T'");
    }

    @Test
    void stringWithoutNulIsNamedByItsMessage() {
        assertViolation(() -> frontend("51 73656c656374"), "malformed Query message ('Q'): invalid string in message");
    }

    @Test
    void bytesLeftOverAreRefused() {
        assertViolation(() -> frontend("51 6100 62"), "malformed Query message ('Q'): invalid message format");
        assertViolation(() -> frontend("53 00"), "malformed Sync message ('S'): invalid message format");
        assertViolation(() -> backend("5a 49 49"), "malformed ReadyForQuery message ('Z'): invalid message format");
    }

    @Test
    void countsLargerThanThePayloadAreRefusedBeforeAllocating() {
        assertViolation(() -> frontend("50 00 00 0003 00000017"),
                "malformed Parse message ('P'): insufficient data left in message");
        assertViolation(() -> backend("44 ffff 00000001 41"),
                "malformed DataRow message ('D'): insufficient data left in message");
        assertViolation(() -> backend("54 ffff 6100"),
                "malformed RowDescription message ('T'): insufficient data left in message");
        assertViolation(() -> backend("76 00000000 7fffffff"),
                "malformed NegotiateProtocolVersion message ('v'): insufficient data left in message");
        assertViolation(() -> backend("76 00000000 ffffffff"),
                "malformed NegotiateProtocolVersion message ('v'): invalid option count -1");
    }

    @Test
    void bindChecksItsFormatAndValueCounts() {
        assertViolation(() -> frontend("42 00 00 0002 0000 0001 0003 ffffffff ffffffff ffffffff 0000"),
                "bind message has 2 parameter formats but 3 parameters");
        assertViolation(() -> frontend("42 00 00 0000 0001 fffffffe 0000"),
                "malformed Bind message ('B'): invalid length -2");
        assertViolation(() -> frontend("42 00 00 0000 0001 00000010 4142 0000"),
                "malformed Bind message ('B'): insufficient data left in message");
    }

    @Test
    void subtypesAndStatusesAreChecked() {
        assertViolation(() -> frontend("44 58 00"), "invalid DESCRIBE message subtype 88");
        assertViolation(() -> frontend("43 58 00"), "invalid CLOSE message subtype 88");
        assertViolation(() -> backend("5a 51"), "malformed ReadyForQuery message ('Z'): invalid transaction status 'Q'");
        assertViolation(() -> backend("52 00000063"),
                "malformed Authentication message ('R'): unknown authentication request code 99");
        assertViolation(() -> backend("52 00000005 0102"),
                "malformed Authentication message ('R'): insufficient data left in message");
    }

    @Test
    void gssapiAuthenticationIsReportedAsUnsupported() {
        assertThatThrownBy(() -> backend("52 00000007"))
                .isInstanceOfSatisfying(PgException.class,
                        e -> assertThat(e.sqlState()).isEqualTo(SqlState.FEATURE_NOT_SUPPORTED));
    }

    @Test
    void errorFieldsMustBeTerminated() {
        assertViolation(() -> backend("45 53 4552524f5200"),
                "malformed ErrorResponse message ('E'): insufficient data left in message");
    }

    @Test
    void startupPacketWithAnOldOrUnknownVersionIsRefusedLikePostgresql() {
        assertViolation(() -> startup("00020000 7573657200 6100 00"),
                "unsupported frontend protocol 2.0: server supports 3.0 to 3.0");
        assertViolation(() -> startup("04d2ffff"),
                "unsupported frontend protocol 1234.65535: server supports 3.0 to 3.0");
    }

    @Test
    void startupPacketMustEndWithItsTerminator() {
        assertViolation(() -> startup("00030000 7573657200 6100"),
                "malformed startup packet: expected terminator as last byte");
        assertViolation(() -> startup("00030000 7573657200 61"), "malformed startup packet: invalid string in message");
        assertViolation(() -> startup("04d2162e 00000001"), "malformed startup packet: insufficient data left in message");
        assertViolation(() -> startup("04d2162f 00"), "malformed startup packet: invalid message format");
    }

    @Test
    void laterMinorVersionsOfProtocol3AreLeftToTheSessionToNegotiate() {
        FrontendMessage message = startup("00030002 7573657200 6100 00");
        assertThat(message).isInstanceOfSatisfying(StartupMessage.class, startup -> {
            assertThat(startup.majorVersion()).isEqualTo(3);
            assertThat(startup.minorVersion()).isEqualTo(2);
            assertThat(startup.user()).isEqualTo("a");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.shardgate.wire.GoldenEncodingTest#frontendMessages")
    void everyTruncationOfAFrontendMessageDecodesOrIsAViolation(String name, FrontendMessage message, String golden) {
        byte[] bytes = hex(golden);
        int start = GoldenEncodingTest.isStartupPacket(message) ? 4 : 5;
        for (int end = start; end < bytes.length; end++) {
            ByteBuffer payload = ByteBuffer.wrap(Arrays.copyOfRange(bytes, start, end));
            Throwable thrown = catchThrowable(() -> {
                if (start == 4) {
                    Decoder.decodeStartup(payload);
                } else {
                    Decoder.decodeFrontend(bytes[0], payload);
                }
            });
            assertThat(thrown).as("payload truncated to %d bytes", end - start).satisfiesAnyOf(
                    t -> assertThat(t).isNull(),
                    t -> assertThat(t).isInstanceOf(PgException.class));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.shardgate.wire.GoldenEncodingTest#backendMessages")
    void everyTruncationOfABackendMessageDecodesOrIsAViolation(String name, BackendMessage message, String golden) {
        byte[] bytes = hex(golden);
        for (int end = 5; end < bytes.length; end++) {
            ByteBuffer payload = ByteBuffer.wrap(Arrays.copyOfRange(bytes, 5, end));
            Throwable thrown = catchThrowable(() -> Decoder.decodeBackend(bytes[0], payload));
            assertThat(thrown).as("payload truncated to %d bytes", end - 5).satisfiesAnyOf(
                    t -> assertThat(t).isNull(),
                    t -> assertThat(t).isInstanceOf(PgException.class));
        }
    }

    @Test
    void randomBytesNeverEscapeAsUncheckedBufferErrors() {
        Random random = new Random(20240601);
        byte[] types = "QPBDESHCdcfpFXRSKZTDCIENA123nstGHWdcvV".getBytes();
        for (int i = 0; i < 20_000; i++) {
            byte[] payload = new byte[random.nextInt(24)];
            random.nextBytes(payload);
            // Small counts and lengths make the decoders go deep instead of failing at the first field.
            for (int j = 0; j < payload.length; j++) {
                if (random.nextInt(3) == 0) {
                    payload[j] = (byte) random.nextInt(3);
                }
            }
            byte type = types[random.nextInt(types.length)];
            for (Runnable decode : new Runnable[] {
                    () -> Decoder.decodeFrontend(type, ByteBuffer.wrap(payload)),
                    () -> Decoder.decodeBackend(type, ByteBuffer.wrap(payload)),
                    () -> Decoder.decodeStartup(ByteBuffer.wrap(payload))}) {
                Throwable thrown = catchThrowable(decode::run);
                if (thrown != null && !(thrown instanceof PgException)) {
                    throw new AssertionError("type " + (char) type + " payload " + hex(payload), thrown);
                }
            }
        }
    }

    private static FrontendMessage frontend(String typeThenPayload) {
        byte[] bytes = hex(typeThenPayload);
        return Decoder.decodeFrontend(bytes[0], ByteBuffer.wrap(bytes, 1, bytes.length - 1).slice());
    }

    private static BackendMessage backend(String typeThenPayload) {
        byte[] bytes = hex(typeThenPayload);
        return Decoder.decodeBackend(bytes[0], ByteBuffer.wrap(bytes, 1, bytes.length - 1).slice());
    }

    private static FrontendMessage startup(String payloadAfterLength) {
        return Decoder.decodeStartup(ByteBuffer.wrap(hex(payloadAfterLength)));
    }

    private static void assertViolation(Runnable decode, String message) {
        assertThatThrownBy(decode::run)
                .isInstanceOfSatisfying(PgException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }
}
