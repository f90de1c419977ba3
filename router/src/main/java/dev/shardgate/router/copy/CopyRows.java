package dev.shardgate.router.copy;

import dev.shardgate.wire.ClientEncoding;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

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
    private final boolean[] forceNull;
    private final boolean[] forceNotNull;
    private final int lastKeyPosition;
    private final ClientEncoding encoding;
    private final CopyFields fields;
    private final Sink sink;
    /** Bytes still to come of a multi-byte character (SJIS …); -1 when the next byte decides (GB18030). */
    private int trailing;
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
        this(command, keyPositions, List.of(), ClientEncoding.UTF8, ClientEncoding.UTF8, sink);
    }

    /**
     * @param keyColumns the key columns' names, in key order: FORCE_NULL and FORCE_NOT_NULL name them
     * @param data       the encoding of the data (the COPY's ENCODING, else the client_encoding)
     * @param server     the server_encoding, in which octal and hex escapes are read
     */
    public CopyRows(CopyCommand command, int[] keyPositions, List<String> keyColumns, ClientEncoding data,
                    ClientEncoding server, Sink sink) {
        if (command.format() == CopyCommand.Format.BINARY) {
            throw new IllegalArgumentException("binary COPY has no rows to cut");
        }
        this.command = command;
        this.keyPositions = keyPositions.clone();
        this.forceNull = new boolean[keyPositions.length];
        this.forceNotNull = new boolean[keyPositions.length];
        for (int k = 0; k < keyColumns.size() && k < keyPositions.length; k++) {
            forceNull[k] = command.forceNull().contains(keyColumns.get(k));
            forceNotNull[k] = command.forceNotNull().contains(keyColumns.get(k));
        }
        this.lastKeyPosition = Arrays.stream(keyPositions).max().orElse(-1);
        this.encoding = data;
        this.fields = new CopyFields(command, data, server);
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
            if (trailing != 0) {
                // inside a multi-byte character: its bytes are never quotes, backslashes or newlines
                trailing = trailing < 0 ? (b >= '0' && b <= '9' ? 2 : 0) : trailing - 1;
                continue;
            }
            boolean leadByte = b < 0 && encoding.embedsAscii();
            if (leadByte) {
                int characterLength = encoding.characterLength(b);
                trailing = characterLength == 0 ? -1 : characterLength - 1;
            }
            if (escapedNext) {
                escapedNext = false;
            } else if (leadByte) {
                continue;
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
            int key = keyIndex(position);
            fields[position] = key < 0 ? skip(i, content, end, csv)
                    : csv ? this.fields.csv(row, i, content, end, forceNull[key], forceNotNull[key])
                    : this.fields.text(row, i, content, end);
            i = end[0] + 1; // past the delimiter
            position++;
        }
        String[] key = new String[keyPositions.length];
        for (int k = 0; k < keyPositions.length; k++) {
            key[k] = fields[keyPositions[k]];
        }
        return key;
    }

    private int keyIndex(int position) {
        for (int k = 0; k < keyPositions.length; k++) {
            if (keyPositions[k] == position) {
                return k;
            }
        }
        return -1;
    }

    /** A field before the key that is not read, only stepped over. */
    private String skip(int start, int content, int[] end, boolean csv) {
        if (csv) {
            return fields.csv(row, start, content, end, false, false);
        }
        int i = start;
        while (i < content && row[i] != command.delimiter()) {
            i = row[i] == '\\' && i + 1 < content ? fields.next(row, i + 1, content) : fields.next(row, i, content);
        }
        end[0] = i;
        return null;
    }
}
