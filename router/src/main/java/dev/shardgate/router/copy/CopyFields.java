package dev.shardgate.router.copy;

import dev.shardgate.wire.ClientEncoding;

import java.io.ByteArrayOutputStream;

/**
 * Reads one field of a COPY FROM row as PostgreSQL does (copyfromparse.c, CopyReadAttributesText and
 * CopyReadAttributesCSV), so that the router routes a row by the value the shard will store: text
 * format backslash escapes ({@code \b \f \n \r \t \v}, {@code \\}, octal {@code \065}, hex
 * {@code \x41}), CSV quoting, the NULL string, FORCE_NULL and FORCE_NOT_NULL. The row itself is
 * forwarded as it came; only the key fields are read.
 *
 * <p>PostgreSQL converts a row to the server encoding before it splits it into fields, so plain
 * bytes are characters of the data's encoding, while the bytes an octal or hex escape makes are
 * read in the server's encoding.
 */
final class CopyFields {
    private final CopyCommand command;
    private final ClientEncoding data;
    private final ClientEncoding server;

    /**
     * @param data   the encoding of the COPY data: ENCODING, else the client_encoding
     * @param server the server_encoding, for bytes made by escapes
     */
    CopyFields(CopyCommand command, ClientEncoding data, ClientEncoding server) {
        this.command = command;
        this.data = data;
        this.server = server;
    }

    /** Where the character starting at {@code i} ends: multi-byte characters of SJIS and the like are skipped whole. */
    int next(byte[] row, int i, int limit) {
        if (row[i] >= 0 || !data.embedsAscii()) {
            return i + 1;
        }
        int length = data.characterLength(row[i]);
        if (length == 0) {
            length = i + 1 < limit && row[i + 1] >= '0' && row[i + 1] <= '9' ? 4 : 2; // GB18030
        }
        return Math.min(i + length, limit);
    }

    /**
     * A text-format field from {@code start}; {@code end[0]} gets where it stops (at the delimiter or
     * the row's end). Null for the NULL string, which is compared before escapes are read.
     */
    String text(byte[] row, int start, int content, int[] end) {
        int i = start;
        while (i < content && row[i] != command.delimiter()) {
            i = row[i] == '\\' && i + 1 < content ? next(row, i + 1, content) : next(row, i, content);
        }
        end[0] = i;
        String raw = data.decode(row, start, i - start);
        if (raw.equals(command.nullText())) {
            return null;
        }
        return raw.indexOf('\\') < 0 ? raw : unescaped(raw);
    }

    private String unescaped(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        ByteArrayOutputStream escapedBytes = new ByteArrayOutputStream();
        int n = raw.length();
        for (int j = 0; j < n; j++) {
            char c = raw.charAt(j);
            if (c != '\\' || j + 1 >= n) {
                flush(escapedBytes, out);
                out.append(c);
                continue;
            }
            char e = raw.charAt(++j);
            if (e >= '0' && e <= '7') {
                int value = e - '0';
                for (int digits = 1; digits < 3 && j + 1 < n && raw.charAt(j + 1) >= '0' && raw.charAt(j + 1) <= '7'; digits++) {
                    value = value * 8 + raw.charAt(++j) - '0';
                }
                escapedBytes.write(value & 0xff);
            } else if (e == 'x' && j + 1 < n && Character.digit(raw.charAt(j + 1), 16) >= 0) {
                int value = Character.digit(raw.charAt(++j), 16);
                if (j + 1 < n && Character.digit(raw.charAt(j + 1), 16) >= 0) {
                    value = value * 16 + Character.digit(raw.charAt(++j), 16);
                }
                escapedBytes.write(value);
            } else {
                flush(escapedBytes, out);
                out.append(switch (e) {
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    case 'v' -> '\u000b';
                    default -> e; // any other character stands for itself: \\ and an escaped delimiter
                });
            }
        }
        flush(escapedBytes, out);
        return out.toString();
    }

    private void flush(ByteArrayOutputStream escapedBytes, StringBuilder out) {
        if (escapedBytes.size() > 0) {
            byte[] bytes = escapedBytes.toByteArray();
            out.append(server.decode(bytes, 0, bytes.length));
            escapedBytes.reset();
        }
    }

    /**
     * A CSV field from {@code start}: quoted parts read (a field may mix quoted and unquoted parts, as
     * PostgreSQL allows), an unquoted field equal to the NULL string is null. FORCE_NOT_NULL makes
     * such a field the NULL string itself; FORCE_NULL makes a quoted one equal to it null.
     */
    String csv(byte[] row, int start, int content, int[] end, boolean forceNull, boolean forceNotNull) {
        byte quote = command.quote();
        byte escape = command.escape();
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        boolean sawQuote = false;
        int i = start;
        while (i < content && row[i] != command.delimiter()) {
            if (row[i] != quote) {
                int after = next(row, i, content);
                value.write(row, i, after - i);
                i = after;
                continue;
            }
            sawQuote = true;
            i++;
            while (i < content) {
                byte b = row[i];
                if (b == escape && i + 1 < content && (row[i + 1] == quote || row[i + 1] == escape)
                        && (escape != quote || row[i + 1] == quote)) {
                    value.write(row[i + 1]);
                    i += 2;
                } else if (b == quote) {
                    i++;
                    break;
                } else {
                    int after = next(row, i, content);
                    value.write(row, i, after - i);
                    i = after;
                }
            }
        }
        end[0] = i;
        byte[] bytes = value.toByteArray();
        String text = data.decode(bytes, 0, bytes.length);
        boolean isNull = !sawQuote && text.equals(command.nullText());
        if (isNull) {
            return forceNotNull ? command.nullText() : null;
        }
        return forceNull && text.equals(command.nullText()) ? null : text;
    }
}
