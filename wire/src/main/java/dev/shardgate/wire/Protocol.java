package dev.shardgate.wire;

/** Numbers fixed by the protocol ("Message Formats"), and names of message type bytes for errors and logs. */
public final class Protocol {
    /** Protocol version 3.0 as sent in a StartupMessage: major 3 in the high 16 bits, minor 0. */
    public static final int VERSION_3_0 = 3 << 16;
    /** The magic "protocol version" of an SSLRequest: 1234 in the high 16 bits, 5679 in the low. */
    public static final int SSL_REQUEST_CODE = 80877103;
    /** The magic "protocol version" of a GSSENCRequest: 1234.5680. */
    public static final int GSSENC_REQUEST_CODE = 80877104;
    /** The magic "protocol version" of a CancelRequest: 1234.5678. */
    public static final int CANCEL_REQUEST_CODE = 80877102;
    /** PostgreSQL's MAX_STARTUP_PACKET_LENGTH: the limit on a startup packet after its length word. */
    public static final int MAX_STARTUP_PACKET_LENGTH = 10000;
    /**
     * The most parameters a startup packet may carry. PostgreSQL has no count of its own (only the
     * packet's 10000 bytes); drivers send about ten, and each one becomes map entries and session
     * state here, so thousands of one-byte names are refused rather than stored.
     */
    public static final int MAX_STARTUP_PARAMETERS = 100;
    /**
     * The longest message (counting its length word) accepted before a client has logged in:
     * PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH (65535) for a password or SASL message, plus the word.
     */
    public static final int MAX_LOGIN_MESSAGE_LENGTH = 65535 + 4;
    /** PostgreSQL's PQ_LARGE_MESSAGE_LIMIT (1 GB - 1), the most it accepts for any message. */
    public static final int MAX_MESSAGE_LENGTH = 0x3fffffff;

    private Protocol() {
    }

    public static int majorVersion(int protocolVersion) {
        return protocolVersion >>> 16;
    }

    public static int minorVersion(int protocolVersion) {
        return protocolVersion & 0xffff;
    }

    /** {@code 'Q'} for printable type bytes, {@code 0x05} for others. */
    public static String describeType(int type) {
        int unsigned = type & 0xff;
        return unsigned >= 0x20 && unsigned < 0x7f
                ? "'" + (char) unsigned + "'"
                : String.format("0x%02x", unsigned);
    }

    /** The documented name of a message the client sends, e.g. "Bind", or null for an unknown type byte. */
    public static String frontendMessageName(int type) {
        return switch ((char) (type & 0xff)) {
            case 'Q' -> "Query";
            case 'P' -> "Parse";
            case 'B' -> "Bind";
            case 'D' -> "Describe";
            case 'E' -> "Execute";
            case 'S' -> "Sync";
            case 'H' -> "Flush";
            case 'C' -> "Close";
            case 'd' -> "CopyData";
            case 'c' -> "CopyDone";
            case 'f' -> "CopyFail";
            case 'p' -> "PasswordMessage";
            case 'F' -> "FunctionCall";
            case 'X' -> "Terminate";
            default -> null;
        };
    }

    /** The documented name of a message the server sends, e.g. "DataRow", or null for an unknown type byte. */
    public static String backendMessageName(int type) {
        return switch ((char) (type & 0xff)) {
            case 'R' -> "Authentication";
            case 'S' -> "ParameterStatus";
            case 'K' -> "BackendKeyData";
            case 'Z' -> "ReadyForQuery";
            case 'T' -> "RowDescription";
            case 'D' -> "DataRow";
            case 'C' -> "CommandComplete";
            case 'I' -> "EmptyQueryResponse";
            case 'E' -> "ErrorResponse";
            case 'N' -> "NoticeResponse";
            case 'A' -> "NotificationResponse";
            case '1' -> "ParseComplete";
            case '2' -> "BindComplete";
            case '3' -> "CloseComplete";
            case 'n' -> "NoData";
            case 's' -> "PortalSuspended";
            case 't' -> "ParameterDescription";
            case 'G' -> "CopyInResponse";
            case 'H' -> "CopyOutResponse";
            case 'W' -> "CopyBothResponse";
            case 'd' -> "CopyData";
            case 'c' -> "CopyDone";
            case 'v' -> "NegotiateProtocolVersion";
            case 'V' -> "FunctionCallResponse";
            default -> null;
        };
    }
}
