package dev.shardgate.wire;

/**
 * Writes messages in their wire format into a {@link ByteSink}: type byte, length word (filled in
 * last), payload. StartupMessage, SSLRequest, GSSENCRequest and CancelRequest are untyped packets. If
 * a message cannot be encoded (a NUL inside a string, more than 65535 items), the sink is left as it
 * was and the PgException propagates.
 */
public final class Encoder {
    private Encoder() {
    }

    public static void encode(FrontendMessage message, ByteSink out) {
        int mark = out.size();
        try {
            switch (message) {
                case StartupMessage m -> m.encode(out);
                case SslRequest m -> m.encode(out);
                case GssEncRequest m -> m.encode(out);
                case CancelRequest m -> m.encode(out);
                case Query m -> m.encode(out);
                case Parse m -> m.encode(out);
                case Bind m -> m.encode(out);
                case Describe m -> m.encode(out);
                case Execute m -> m.encode(out);
                case Sync m -> m.encode(out);
                case Flush m -> m.encode(out);
                case Close m -> m.encode(out);
                case CopyData m -> m.encode(out);
                case CopyDone m -> m.encode(out);
                case CopyFail m -> m.encode(out);
                case PasswordMessage m -> m.encode(out);
                case FunctionCall m -> m.encode(out);
                case Terminate m -> m.encode(out);
            }
        } catch (RuntimeException e) {
            out.truncate(mark);
            throw e;
        }
    }

    public static void encode(BackendMessage message, ByteSink out) {
        int mark = out.size();
        try {
            switch (message) {
                case AuthenticationOk m -> m.encode(out);
                case AuthenticationCleartextPassword m -> m.encode(out);
                case AuthenticationMd5Password m -> m.encode(out);
                case AuthenticationSasl m -> m.encode(out);
                case AuthenticationSaslContinue m -> m.encode(out);
                case AuthenticationSaslFinal m -> m.encode(out);
                case ParameterStatus m -> m.encode(out);
                case BackendKeyData m -> m.encode(out);
                case ReadyForQuery m -> m.encode(out);
                case RowDescription m -> m.encode(out);
                case DataRow m -> m.encode(out);
                case CommandComplete m -> m.encode(out);
                case EmptyQueryResponse m -> m.encode(out);
                case ErrorResponse m -> m.encode(out);
                case NoticeResponse m -> m.encode(out);
                case NotificationResponse m -> m.encode(out);
                case ParseComplete m -> m.encode(out);
                case BindComplete m -> m.encode(out);
                case CloseComplete m -> m.encode(out);
                case NoData m -> m.encode(out);
                case PortalSuspended m -> m.encode(out);
                case ParameterDescription m -> m.encode(out);
                case CopyInResponse m -> m.encode(out);
                case CopyOutResponse m -> m.encode(out);
                case CopyBothResponse m -> m.encode(out);
                case CopyData m -> m.encode(out);
                case CopyDone m -> m.encode(out);
                case NegotiateProtocolVersion m -> m.encode(out);
                case FunctionCallResponse m -> m.encode(out);
            }
        } catch (RuntimeException e) {
            out.truncate(mark);
            throw e;
        }
    }

    /** CopyData travels both ways; this overload settles which {@code encode} a call means. */
    public static void encode(CopyData message, ByteSink out) {
        encode((FrontendMessage) message, out);
    }

    /** CopyDone travels both ways; this overload settles which {@code encode} a call means. */
    public static void encode(CopyDone message, ByteSink out) {
        encode((FrontendMessage) message, out);
    }

    public static byte[] encode(FrontendMessage message) {
        ByteSink out = new ByteSink();
        encode(message, out);
        return out.toByteArray();
    }

    public static byte[] encode(BackendMessage message) {
        ByteSink out = new ByteSink();
        encode(message, out);
        return out.toByteArray();
    }

    public static byte[] encode(CopyData message) {
        return encode((FrontendMessage) message);
    }

    public static byte[] encode(CopyDone message) {
        return encode((FrontendMessage) message);
    }
}
