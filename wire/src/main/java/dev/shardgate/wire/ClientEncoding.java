package dev.shardgate.wire;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A PostgreSQL client_encoding and how the router reads text in it. Statement bytes always travel to
 * the shards unchanged; the router only decodes a copy to analyse it, and encodes in this encoding
 * the statements it writes itself. SQL_ASCII is read as ISO-8859-1, so that bytes above 127, which
 * PostgreSQL leaves uninterpreted, come back unchanged when a rewritten statement is encoded again.
 *
 * @param name    PostgreSQL's name of the encoding (pg_enc2name), e.g. {@code LATIN1}
 * @param charset how Java reads it; null when Java has no such charset (LATIN6, LATIN8, EUC_JIS_2004,
 *                MULE_INTERNAL): then only ASCII text can be read
 */
public record ClientEncoding(String name, Charset charset) {
    public static final ClientEncoding UTF8 = new ClientEncoding("UTF8", StandardCharsets.UTF_8);

    private static final Map<String, ClientEncoding> BY_NAME = new HashMap<>();
    private static final Map<String, String> ALIASES = new HashMap<>();

    static {
        known("SQL_ASCII", "ISO-8859-1");
        known("UTF8", "UTF-8", "unicode");
        known("LATIN1", "ISO-8859-1", "iso88591");
        known("LATIN2", "ISO-8859-2", "iso88592");
        known("LATIN3", "ISO-8859-3", "iso88593");
        known("LATIN4", "ISO-8859-4", "iso88594");
        known("LATIN5", "ISO-8859-9", "iso88599");
        known("LATIN6", "ISO-8859-10", "iso885910");
        known("LATIN7", "ISO-8859-13", "iso885913");
        known("LATIN8", "ISO-8859-14", "iso885914");
        known("LATIN9", "ISO-8859-15", "iso885915");
        known("LATIN10", "ISO-8859-16", "iso885916");
        known("ISO_8859_5", "ISO-8859-5");
        known("ISO_8859_6", "ISO-8859-6");
        known("ISO_8859_7", "ISO-8859-7");
        known("ISO_8859_8", "ISO-8859-8");
        known("WIN866", "IBM866", "alt", "windows866");
        known("WIN874", "x-windows-874", "windows874");
        known("WIN1250", "windows-1250", "windows1250");
        known("WIN1251", "windows-1251", "windows1251", "win");
        known("WIN1252", "windows-1252", "windows1252");
        known("WIN1253", "windows-1253", "windows1253");
        known("WIN1254", "windows-1254", "windows1254");
        known("WIN1255", "windows-1255", "windows1255");
        known("WIN1256", "windows-1256", "windows1256");
        known("WIN1257", "windows-1257", "windows1257");
        known("WIN1258", "windows-1258", "windows1258", "abc", "tcvn", "tcvn5712", "vscii");
        known("KOI8R", "KOI8-R", "koi8");
        known("KOI8U", "KOI8-U");
        // PostgreSQL's SJIS includes the NEC and IBM extensions of Windows code page 932
        known("SJIS", "windows-31j", "mskanji", "shiftjis", "win932", "windows932");
        known("SHIFT_JIS_2004", "x-SJIS_0213");
        known("EUC_JP", "EUC-JP");
        known("EUC_JIS_2004", null);
        known("EUC_KR", "EUC-KR");
        known("EUC_CN", "GB2312");
        known("EUC_TW", "x-EUC-TW");
        known("GBK", "GBK", "win936", "windows936");
        known("BIG5", "x-windows-950", "win950", "windows950");
        known("UHC", "x-windows-949", "win949", "windows949");
        known("GB18030", "GB18030");
        known("JOHAB", "x-Johab");
        known("MULE_INTERNAL", null);
    }

    private static void known(String name, String javaName, String... aliases) {
        Charset charset = javaName != null && Charset.isSupported(javaName) ? Charset.forName(javaName) : null;
        BY_NAME.put(name, name.equals("UTF8") ? UTF8 : new ClientEncoding(name, charset));
        ALIASES.put(normalized(name), name);
        for (String alias : aliases) {
            ALIASES.put(alias, name);
        }
    }

    /**
     * The encoding a client_encoding value names, spelt any way PostgreSQL accepts (case, '-' and
     * '_' do not matter: {@code latin1}, {@code ISO-8859-1}, {@code Windows-1252}). A name PostgreSQL
     * would refuse never gets here (the server answers the SET); should one come, it reads as an
     * encoding the router cannot decode.
     */
    public static ClientEncoding named(String value) {
        if (value == null) {
            return UTF8;
        }
        String name = ALIASES.get(normalized(value));
        ClientEncoding encoding = name == null ? null : BY_NAME.get(name);
        return encoding != null ? encoding : new ClientEncoding(value.toUpperCase(Locale.ROOT), null);
    }

    /** PostgreSQL's clean_encoding_name: lower case, letters and digits only. */
    private static String normalized(String name) {
        StringBuilder clean = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                clean.append(Character.toLowerCase(c));
            }
        }
        return clean.toString();
    }

    /**
     * The encoding a session's text is in, from its client_encoding and the server_encoding (null
     * while unknown): a SQL_ASCII client's bytes go unconverted, and PostgreSQL checks them as text of
     * the server's encoding (pg_any_to_server), so they are read so; in SQL_ASCII databases they stay
     * opaque.
     */
    public static ClientEncoding ofSession(String clientEncoding, String serverEncoding) {
        ClientEncoding asked = named(clientEncoding);
        return asked.name().equals("SQL_ASCII") && serverEncoding != null ? named(serverEncoding) : asked;
    }

    /**
     * The charset strings inside messages (names, error texts) are read and written in: for an
     * encoding Java cannot read, ISO-8859-1, so that their bytes at least pass through unchanged.
     */
    public Charset textCharset() {
        return charset != null ? charset : StandardCharsets.ISO_8859_1;
    }

    public boolean isUtf8() {
        return this == UTF8;
    }

    /**
     * The client-only encodings whose multi-byte characters may hold bytes that look like ASCII (an
     * SJIS trail byte 0x5c is not a backslash): text in them is scanned character by character
     * (PostgreSQL's encoding_embeds_ascii).
     */
    public boolean embedsAscii() {
        return switch (name) {
            case "SJIS", "SHIFT_JIS_2004", "BIG5", "GBK", "UHC", "GB18030", "JOHAB" -> true;
            default -> false;
        };
    }

    /**
     * How many bytes the character starting with {@code lead} has in an encoding that
     * {@link #embedsAscii}, as pg_encoding_mblen counts; for GB18030, 0 when the next byte decides
     * (a digit there makes four bytes, anything else two).
     */
    public int characterLength(byte lead) {
        int b = lead & 0xff;
        if (b < 0x80) {
            return 1;
        }
        return switch (name) {
            case "SJIS", "SHIFT_JIS_2004" -> b >= 0xa1 && b <= 0xdf ? 1 : 2;
            case "GB18030" -> 0;
            default -> 2;
        };
    }

    /**
     * The text as the router analyses it, or null when the bytes are not valid in this encoding (or
     * hold non-ASCII bytes of an encoding Java cannot read): {@link #unreadable} then says why.
     */
    public String read(byte[] bytes) {
        if (charset == null) {
            return isAscii(bytes) ? new String(bytes, StandardCharsets.ISO_8859_1) : null;
        }
        String text = new String(bytes, charset);
        // a replacement character in the result is rare: only then is the strict (slower) check paid
        if (text.indexOf('\uFFFD') >= 0 && firstProblem(bytes) != null) {
            return null;
        }
        return text;
    }

    /**
     * Text a server sent in this encoding (it converted it, so it is valid), such as a column name
     * or a COPY field; for an encoding Java cannot read, non-ASCII bytes read as ISO-8859-1.
     */
    public String decode(byte[] bytes, int offset, int length) {
        return new String(bytes, offset, length, charset == null ? StandardCharsets.ISO_8859_1 : charset);
    }

    /** The text in this encoding, for statements the router writes. */
    public byte[] encode(String text) {
        if (text.indexOf('\0') >= 0) {
            // A NUL would end the string early and shift every later field: refuse instead of corrupting.
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "string contains a NUL byte, which the protocol cannot carry");
        }
        return text.getBytes(textCharset());
    }

    /**
     * PostgreSQL's error for bytes {@link #read} refused: 22021 (invalid byte sequence) or 22P05 (no
     * equivalent in the server's encoding), as the server words them; 0A000 for an encoding the router
     * cannot read.
     *
     * @param serverEncoding the server_encoding, named in the 22P05 message
     */
    public PgException unreadable(byte[] bytes, String serverEncoding) {
        if (charset == null) {
            return new PgException(SqlState.FEATURE_NOT_SUPPORTED, "client_encoding \"" + name
                    + "\" is not supported by the router for non-ASCII text: use UTF8 or another encoding Java can read");
        }
        Problem problem = firstProblem(bytes);
        if (problem == null) {
            throw new IllegalArgumentException("the text is valid " + name);
        }
        int length = problem.malformed() && isUtf8() ? utf8SequenceLength(bytes[problem.at()]) : problem.length();
        StringBuilder shown = new StringBuilder();
        for (int i = problem.at(); i < Math.min(bytes.length, problem.at() + Math.max(1, length)); i++) {
            shown.append(shown.isEmpty() ? "" : " ").append(String.format("0x%02x", bytes[i] & 0xff));
        }
        if (problem.malformed()) {
            return new PgException(SqlState.CHARACTER_NOT_IN_REPERTOIRE,
                    "invalid byte sequence for encoding \"" + name + "\": " + shown);
        }
        return new PgException(SqlState.UNTRANSLATABLE_CHARACTER, "character with byte sequence " + shown
                + " in encoding \"" + name + "\" has no equivalent in encoding \"" + serverEncoding + "\"");
    }

    private record Problem(int at, int length, boolean malformed) {
    }

    private Problem firstProblem(byte[] bytes) {
        CharsetDecoder decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(Math.max(16, bytes.length * 2));
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            return new Problem(in.position(), result.length(), result.isMalformed());
        }
        return null;
    }

    /** pg_utf_mblen: the length the first byte announces, which PostgreSQL shows in its message. */
    private static int utf8SequenceLength(byte first) {
        int b = first & 0xff;
        if (b < 0x80) {
            return 1;
        } else if ((b & 0xe0) == 0xc0) {
            return 2;
        } else if ((b & 0xf0) == 0xe0) {
            return 3;
        } else if ((b & 0xf8) == 0xf0) {
            return 4;
        }
        return 1;
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

}
