package dev.shardgate.wire;

import java.nio.ByteBuffer;

/**
 * Turns a message's type byte and payload into its record. Every malformed input — unknown type byte,
 * short payload, missing NUL, impossible counts, bytes left over — fails with a PgException of
 * SQLSTATE 08P01 (protocol_violation) naming the message, never with an unchecked buffer exception.
 * The buffers passed in are read from position to limit and left unchanged.
 */
public final class Decoder {
    private Decoder() {
    }

    /** A typed message sent by a client; {@code payload} excludes the type byte and the length word. */
    public static FrontendMessage decodeFrontend(byte type, ByteBuffer payload) {
        return frontend(Payload.of(payload, type, true), ClientEncoding.UTF8);
    }

    /** As above, reading Query and Parse text in the session's client encoding. */
    public static FrontendMessage decodeFrontend(byte type, ByteBuffer payload, ClientEncoding encoding) {
        return frontend(Payload.of(payload, type, true, encoding.textCharset()), encoding);
    }

    /** A typed message sent by a server; {@code payload} excludes the type byte and the length word. */
    public static BackendMessage decodeBackend(byte type, ByteBuffer payload) {
        return backend(Payload.of(payload, type, false));
    }

    /**
     * An untyped startup packet, from just after its length word: a StartupMessage, SSLRequest,
     * GSSENCRequest or CancelRequest, told apart by the protocol version code.
     */
    public static FrontendMessage decodeStartup(ByteBuffer payloadAfterLength) {
        return startup(Payload.of(payloadAfterLength, Payload.STARTUP_PACKET, true));
    }

    static FrontendMessage frontend(Payload in, ClientEncoding encoding) {
        byte type = (byte) in.type();
        FrontendMessage message = switch (type) {
            case Query.TYPE -> Query.decode(in, encoding);
            case Parse.TYPE -> Parse.decode(in, encoding);
            case Bind.TYPE -> Bind.decode(in);
            case Describe.TYPE -> Describe.decode(in);
            case Execute.TYPE -> Execute.decode(in);
            case Sync.TYPE -> Sync.INSTANCE;
            case Flush.TYPE -> Flush.INSTANCE;
            case Close.TYPE -> Close.decode(in);
            case CopyData.TYPE -> CopyData.decode(in);
            case CopyDone.TYPE -> CopyDone.INSTANCE;
            case CopyFail.TYPE -> CopyFail.decode(in);
            case PasswordMessage.TYPE -> PasswordMessage.decode(in);
            case FunctionCall.TYPE -> FunctionCall.decode(in);
            case Terminate.TYPE -> Terminate.INSTANCE;
            default -> throw new PgException(SqlState.PROTOCOL_VIOLATION,
                    "invalid frontend message type " + Protocol.describeType(type));
        };
        in.end();
        return message;
    }

    static BackendMessage backend(Payload in) {
        byte type = (byte) in.type();
        BackendMessage message = switch (type) {
            case AuthenticationOk.TYPE -> authentication(in);
            case ParameterStatus.TYPE -> ParameterStatus.decode(in);
            case BackendKeyData.TYPE -> BackendKeyData.decode(in);
            case ReadyForQuery.TYPE -> ReadyForQuery.decode(in);
            case RowDescription.TYPE -> RowDescription.decode(in);
            case DataRow.TYPE -> DataRow.decode(in);
            case CommandComplete.TYPE -> CommandComplete.decode(in);
            case EmptyQueryResponse.TYPE -> EmptyQueryResponse.INSTANCE;
            case ErrorResponse.TYPE -> ErrorResponse.decode(in);
            case NoticeResponse.TYPE -> NoticeResponse.decode(in);
            case NotificationResponse.TYPE -> NotificationResponse.decode(in);
            case ParseComplete.TYPE -> ParseComplete.INSTANCE;
            case BindComplete.TYPE -> BindComplete.INSTANCE;
            case CloseComplete.TYPE -> CloseComplete.INSTANCE;
            case NoData.TYPE -> NoData.INSTANCE;
            case PortalSuspended.TYPE -> PortalSuspended.INSTANCE;
            case ParameterDescription.TYPE -> ParameterDescription.decode(in);
            case CopyInResponse.TYPE -> CopyInResponse.decode(in);
            case CopyOutResponse.TYPE -> CopyOutResponse.decode(in);
            case CopyBothResponse.TYPE -> CopyBothResponse.decode(in);
            case CopyData.TYPE -> CopyData.decode(in);
            case CopyDone.TYPE -> CopyDone.INSTANCE;
            case NegotiateProtocolVersion.TYPE -> NegotiateProtocolVersion.decode(in);
            case FunctionCallResponse.TYPE -> FunctionCallResponse.decode(in);
            default -> throw new PgException(SqlState.PROTOCOL_VIOLATION,
                    "invalid backend message type " + Protocol.describeType(type));
        };
        in.end();
        return message;
    }

    /** All Authentication requests share type 'R' and differ by the Int32 code that starts the payload. */
    private static BackendMessage authentication(Payload in) {
        int code = in.int32();
        return switch (code) {
            case AuthenticationOk.CODE -> AuthenticationOk.INSTANCE;
            case AuthenticationCleartextPassword.CODE -> AuthenticationCleartextPassword.INSTANCE;
            case AuthenticationMd5Password.CODE -> AuthenticationMd5Password.decode(in);
            case AuthenticationSasl.CODE -> AuthenticationSasl.decode(in);
            case AuthenticationSaslContinue.CODE -> AuthenticationSaslContinue.decode(in);
            case AuthenticationSaslFinal.CODE -> AuthenticationSaslFinal.decode(in);
            case 2, 7, 8, 9 -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "authentication method " + code + " (Kerberos, GSSAPI or SSPI) is not supported");
            default -> throw in.malformed("unknown authentication request code " + code);
        };
    }

    static FrontendMessage startup(Payload in) {
        int code = in.int32();
        FrontendMessage message = switch (code) {
            case Protocol.SSL_REQUEST_CODE -> SslRequest.INSTANCE;
            case Protocol.GSSENC_REQUEST_CODE -> GssEncRequest.INSTANCE;
            case Protocol.CANCEL_REQUEST_CODE -> CancelRequest.decode(in);
            default -> {
                // Like PostgreSQL's ProcessStartupPacket, any 3.x is accepted here; a minor version
                // above 3.0 is the session's to answer with NegotiateProtocolVersion.
                if (Protocol.majorVersion(code) != 3) {
                    throw new PgException(SqlState.PROTOCOL_VIOLATION,
                            "unsupported frontend protocol " + Protocol.majorVersion(code) + "."
                                    + Protocol.minorVersion(code) + ": server supports 3.0 to 3.0");
                }
                yield StartupMessage.decode(code, in);
            }
        };
        in.end();
        return message;
    }
}
