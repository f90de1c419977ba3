package dev.shardgate.it.scatter;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A client of the simple query protocol on a raw socket (trust login): one Query message holds the
 * whole text, as psql -c sends it, and the answer is every message up to ReadyForQuery, in words a
 * test can compare between the router and one PostgreSQL server.
 */
final class SimpleQueries implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    /** Logs in as {@code user} to {@code database}, with further startup parameters (hints). */
    SimpleQueries(String host, int port, String user, String database, Map<String, String> parameters) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(20_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ByteBuffer.allocate(4).putInt(196608).array());
        cString(body, "user");
        cString(body, user);
        cString(body, "database");
        cString(body, database);
        for (var parameter : parameters.entrySet()) {
            cString(body, parameter.getKey());
            cString(body, parameter.getValue());
        }
        body.write(0);
        out.writeInt(body.size() + 4);
        out.write(body.toByteArray());
        out.flush();
        List<String> login = untilReady();
        if (login.stream().anyMatch(line -> line.startsWith("ERROR"))) {
            throw new IOException("login failed: " + login);
        }
    }

    /**
     * The answer to one Query message: {@code columns a:23,b:25}, {@code row 1|x} (NULL as ∅), the
     * command tag, {@code ERROR <sqlstate>} and {@code ready <status>}; notices and parameter
     * changes are left out.
     */
    List<String> query(String sql) throws IOException {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        out.write('Q');
        out.writeInt(4 + text.length + 1);
        out.write(text);
        out.write(0);
        out.flush();
        return untilReady();
    }

    /** The message of the last error {@link #query} met, or null. */
    String lastErrorMessage() {
        return lastError;
    }

    private String lastError;

    private List<String> untilReady() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            int type = in.read();
            if (type < 0) {
                throw new IOException("connection closed after " + lines);
            }
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            ByteBuffer b = ByteBuffer.wrap(body);
            switch (type) {
                case 'T' -> {
                    int n = b.getShort();
                    List<String> columns = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        String name = cString(b);
                        b.getInt();
                        b.getShort();
                        int typeOid = b.getInt();
                        b.getShort();
                        b.getInt();
                        b.getShort();
                        columns.add(name + ":" + typeOid);
                    }
                    lines.add("columns " + String.join(",", columns));
                }
                case 'D' -> {
                    int n = b.getShort();
                    List<String> values = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        int length = b.getInt();
                        if (length < 0) {
                            values.add("∅");
                        } else {
                            byte[] value = new byte[length];
                            b.get(value);
                            values.add(new String(value, StandardCharsets.UTF_8));
                        }
                    }
                    lines.add("row " + String.join("|", values));
                }
                case 'C' -> lines.add(cString(b));
                case 'I' -> lines.add("empty");
                case 'E' -> {
                    String state = null;
                    String message = null;
                    while (b.hasRemaining()) {
                        byte code = b.get();
                        if (code == 0) {
                            break;
                        }
                        String value = cString(b);
                        if (code == 'C') {
                            state = value;
                        } else if (code == 'M') {
                            message = value;
                        }
                    }
                    lastError = message;
                    lines.add("ERROR " + state);
                }
                case 'Z' -> {
                    lines.add("ready " + (char) body[0]);
                    return lines;
                }
                default -> { } // authentication ok, parameters, backend key, notices
            }
        }
    }

    private static void cString(ByteArrayOutputStream out, String value) {
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }

    private static String cString(ByteBuffer b) {
        int start = b.position();
        while (b.get() != 0) {
            // up to the terminating zero
        }
        return new String(b.array(), start, b.position() - start - 1, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        out.write('X');
        out.writeInt(4);
        out.flush();
        socket.close();
    }
}
