package dev.shardgate.it.router;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A TCP client that sends whatever bytes a test wants and reports how the router answered. */
final class RawClient implements AutoCloseable {
    /** What came back: an ErrorResponse, another message, the router closing, or nothing in time. */
    sealed interface Answer {
    }

    /** @param fields by field type: 'S' severity, 'C' SQLSTATE, 'M' message … */
    record Error(Map<Character, String> fields) implements Answer {
        String sqlState() {
            return fields.get('C');
        }
    }

    record OtherMessage(char type) implements Answer {
    }

    record Closed() implements Answer {
    }

    record Silence(Duration waited) implements Answer {
    }

    private final Socket socket;

    /** A protocol 3.0 StartupMessage for the account's user and database. */
    static byte[] startup(Account account) {
        return startup(account, Map.of());
    }

    /** A protocol 3.0 StartupMessage for the account's user and database, with more parameters. */
    static byte[] startup(Account account, Map<String, String> parameters) {
        StringBuilder text = new StringBuilder("user\0" + account.user() + "\0database\0" + account.database() + "\0");
        parameters.forEach((name, value) -> text.append(name).append('\0').append(value).append('\0'));
        byte[] fields = text.append('\0').toString().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + fields.length).putInt(8 + fields.length).putInt(196608).put(fields).array();
    }

    /** A simple Query message. */
    static byte[] query(String sql) {
        byte[] text = (sql + "\0").getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + text.length).put((byte) 'Q').putInt(4 + text.length).put(text).array();
    }

    RawClient(int port) throws IOException {
        socket = new Socket(RunningRouter.HOST, port);
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** The first message the router sends within {@code timeout}, or how it did not. */
    Answer answer(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        DataInputStream in = new DataInputStream(socket.getInputStream());
        try {
            int type = in.read();
            if (type < 0) {
                return new Closed();
            }
            if (type != 'E') {
                return new OtherMessage((char) type);
            }
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            return new Error(fields(body));
        } catch (SocketTimeoutException e) {
            return new Silence(timeout);
        } catch (EOFException e) {
            return new Closed();
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("reset")) {
                return new Closed();
            }
            throw e;
        }
    }

    /**
     * Skips whole messages (an authentication request, say) until an ErrorResponse, the router
     * closing, or nothing more within {@code timeout} in all.
     */
    Answer errorOrEnd(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (System.nanoTime() >= deadline) {
                return new Silence(timeout);
            }
            Answer answer = answer(Duration.ofMillis(left));
            if (!(answer instanceof OtherMessage)) {
                return answer;
            }
            DataInputStream in = new DataInputStream(socket.getInputStream());
            try {
                in.readFully(new byte[in.readInt() - 4]);
            } catch (EOFException e) {
                return new Closed();
            }
        }
    }

    /** Reads whole messages up to and including ReadyForQuery (after a startup packet): false if the router closed first. */
    boolean readUntilReady(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        DataInputStream in = new DataInputStream(socket.getInputStream());
        while (true) {
            int type = in.read();
            if (type < 0) {
                return false;
            }
            in.readFully(new byte[in.readInt() - 4]);
            if (type == 'Z') {
                return true;
            }
        }
    }

    /**
     * The first column of the first DataRow up to ReadyForQuery, as text, or the ErrorResponse's
     * SQLSTATE prefixed with {@code ERROR }; null when no row came.
     */
    String firstValue(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        DataInputStream in = new DataInputStream(socket.getInputStream());
        String value = null;
        while (true) {
            int type = in.read();
            if (type < 0) {
                throw new EOFException("the router closed the connection");
            }
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            if (type == 'D' && value == null) {
                int length = ByteBuffer.wrap(body, 2, 4).getInt();
                value = length < 0 ? null : new String(body, 6, length, StandardCharsets.UTF_8);
            } else if (type == 'E') {
                value = "ERROR " + fields(body).get('C');
            } else if (type == 'Z') {
                return value;
            }
        }
    }

    private static Map<Character, String> fields(byte[] body) {
        Map<Character, String> fields = new LinkedHashMap<>();
        int at = 0;
        while (at < body.length && body[at] != 0) {
            char code = (char) body[at++];
            int end = at;
            while (body[end] != 0) {
                end++;
            }
            fields.put(code, new String(body, at, end - at, StandardCharsets.UTF_8));
            at = end + 1;
        }
        return fields;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
