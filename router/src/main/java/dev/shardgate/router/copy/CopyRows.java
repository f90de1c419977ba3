package dev.shardgate.router.copy;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts a COPY FROM STDIN data stream into rows as it arrives, whatever CopyData boundaries the
 * client chose, and reads the key fields of each row. Only the row being read is held: memory does
 * not grow with the stream.
 *
 * <p>A row ends at a newline that is not data: in text format data newlines are written {@code \n}
 * (a raw newline after a backslash is taken as escaped too), in CSV they sit inside quotes. A line
 * {@code \.} ends the data, as PostgreSQL reads it.
 */
public final class CopyRows {
    /** Where rows go; the bytes are the sink's to copy before it returns. */
    public interface Sink {
        /** The HEADER line, for every shard. */
        void header(byte[] bytes, int length) throws IOException;

        /** A data row, newline included, with its key fields (null for a NULL field). */
        void row(byte[] bytes, int length, String[] key) throws IOException;
    }

    private final CopyCommand command;
    private final int[] keyPositions;
    private final int lastKeyPosition;
    private final Sink sink;
    private byte[] row = new byte[256];
    private int length;
    private boolean inQuotes;
    private boolean escapedNext;
    private boolean headerPending;
    private boolean ended;
    private long line;

    /**
     * @param keyPositions the zero-based field positions of the distribution key columns, in key order
     */
    public CopyRows(CopyCommand command, int[] keyPositions, Sink sink) {
        if (command.format() == CopyCommand.Format.BINARY) {
            throw new IllegalArgumentException("binary COPY has no rows to cut");
        }
        this.command = command;
        this.keyPositions = keyPositions.clone();
        this.lastKeyPosition = Arrays.stream(keyPositions).max().orElse(-1);
        this.sink = sink;
        this.headerPending = command.header();
    }

    public void feed(byte[] data) throws IOException {
        boolean csv = command.format() == CopyCommand.Format.CSV;
        byte quote = command.quote();
        byte escape = command.escape();
        for (byte b : data) {
            if (ended) {
                return;
            }
            append(b);
            if (escapedNext) {
                escapedNext = false;
            } else if (csv) {
                if (inQuotes && b == escape && escape != quote) {
                    escapedNext = true;
                } else if (b == quote) {
                    inQuotes = !inQuotes; // a doubled quote inside quotes leaves and re-enters them
                } else if (b == '\n' && !inQuotes) {
                    emit();
                }
            } else if (b == '\\') {
                escapedNext = true;
            } else if (b == '\n') {
                emit();
            }
        }
    }

    /** The data ended (CopyDone): a last row without its newline still counts. */
    public void end() throws IOException {
        if (length > 0 && !ended) {
            if (inQuotes) {
                throw new PgException(SqlState.DATA_EXCEPTION, "unterminated CSV quoted field at line " + (line + 1));
            }
            append((byte) '\n');
            emit();
        }
        ended = true;
    }

    private void append(byte b) {
        if (length == row.length) {
            row = Arrays.copyOf(row, row.length * 2);
        }
        row[length++] = b;
    }

    private void emit() throws IOException {
        int content = length - 1;
        if (content > 0 && row[content - 1] == '\r') {
            content--;
        }
        if (content == 2 && row[0] == '\\' && row[1] == '.') {
            ended = true; // end-of-data marker
            length = 0;
            return;
        }
        line++;
        if (headerPending) {
            headerPending = false;
            sink.header(row, length);
        } else {
            sink.row(row, length, keyFields(content));
        }
        length = 0;
        if (row.length > 1 << 20) {
            row = new byte[256]; // one very long row does not keep its buffer
        }
    }

    private String[] keyFields(int content) {
        String[] fields = new String[lastKeyPosition + 1];
        boolean csv = command.format() == CopyCommand.Format.CSV;
        int position = 0;
        int i = 0;
        while (position <= lastKeyPosition) {
            if (i > content) {
                throw new PgException(SqlState.DATA_EXCEPTION, "missing data for the distribution key at line " + line);
            }
            int[] end = new int[1];
            fields[position] = csv ? csvField(i, content, end) : textField(i, content, end);
            i = end[0] + 1; // past the delimiter
            position++;
        }
        String[] key = new String[keyPositions.length];
        for (int k = 0; k < keyPositions.length; k++) {
            key[k] = fields[keyPositions[k]];
        }
        return key;
    }

    /** A text-format field from {@code start}: backslash escapes read, the NULL string as null. */
    private String textField(int start, int content, int[] end) {
        int i = start;
        while (i < content && row[i] != command.delimiter()) {
            i += row[i] == '\\' ? 2 : 1;
        }
        i = Math.min(i, content);
        end[0] = i;
        String raw = new String(row, start, i - start, StandardCharsets.UTF_8);
        if (raw.equals(command.nullText())) {
            return null;
        }
        if (raw.indexOf('\\') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int j = 0; j < raw.length(); j++) {
            char c = raw.charAt(j);
            if (c != '\\' || j + 1 >= raw.length()) {
                out.append(c);
                continue;
            }
            char e = raw.charAt(++j);
            out.append(switch (e) {
                case 't' -> '\t';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'v' -> '\u000b';
                default -> e;
            });
        }
        return out.toString();
    }

    /** A CSV field from {@code start}: quoted or not; an unquoted field equal to the NULL string is null. */
    private String csvField(int start, int content, int[] end) {
        byte quote = command.quote();
        byte escape = command.escape();
        if (start < content && row[start] == quote) {
            java.io.ByteArrayOutputStream value = new java.io.ByteArrayOutputStream();
            int i = start + 1;
            while (i < content) {
                byte b = row[i];
                if (b == escape && i + 1 < content && (row[i + 1] == quote || row[i + 1] == escape) && (escape != quote || row[i + 1] == quote)) {
                    value.write(row[i + 1]);
                    i += 2;
                } else if (b == quote) {
                    i++;
                    break;
                } else {
                    value.write(b);
                    i++;
                }
            }
            while (i < content && row[i] != command.delimiter()) {
                i++; // PostgreSQL would refuse text after the closing quote; the shard reports it
            }
            end[0] = i;
            return value.toString(StandardCharsets.UTF_8);
        }
        int i = start;
        while (i < content && row[i] != command.delimiter()) {
            i++;
        }
        end[0] = i;
        String raw = new String(row, start, i - start, StandardCharsets.UTF_8);
        return raw.equals(command.nullText()) ? null : raw;
    }
}
