package dev.shardgate.it.router;

import dev.shardgate.cli.postgres.PostgresInstallation;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client that takes a backend in a transaction holding a row lock ({@code UPDATE table SET v = v + 1
 * WHERE id = key}) and then goes away in one of the ways of {@link Death}. Used by ClientEndTest (one
 * death at a time) and the shard-failure soak (many, while a shard fails).
 *
 * @param table a table {@code (id int PRIMARY KEY, v int)}
 * @param key an existing row of the table, locked by the transaction
 * @param freeKey a key no row has, on the same shard as {@code key}: the COPY death sends its row
 */
record DyingClient(int routerPort, Account account, String table, int key, int freeKey) {

    /** How a client goes away while its transaction holds a backend. */
    enum Death {
        HALF_MESSAGE_THEN_SHUTDOWN, HALF_MESSAGE_THEN_CLOSE, HALF_HEADER_THEN_SHUTDOWN, IN_TRANSACTION_SHUTDOWN, IN_TRANSACTION_CLOSE,
        /** The connection reset (RST, as SO_LINGER 0 makes it), not closed. */
        IN_TRANSACTION_RESET,
        /** In COPY FROM STDIN, after half a row. */
        MID_COPY_THEN_CLOSE,
        /** COMMIT sent, the connection closed before its answer was read. */
        COMMIT_THEN_CLOSE,
        /** Parse, Bind and Execute sent without their Sync. */
        MID_EXTENDED_SEGMENT_THEN_CLOSE,
        /** A real psql in the transaction, killed with SIGKILL: its kernel ends the connection. */
        PSQL_KILLED;

        boolean shutsDownItsSide() {
            return this == HALF_MESSAGE_THEN_SHUTDOWN || this == HALF_HEADER_THEN_SHUTDOWN || this == IN_TRANSACTION_SHUTDOWN;
        }
    }

    /** The router answered with an ErrorResponse before the client could die as planned. */
    static final class Refused extends IOException {
        Refused(String fields) {
            super("ErrorResponse: " + fields);
        }
    }

    /**
     * Logs in, begins a transaction holding the row's lock, and dies. Throws {@link Refused} when the
     * router answers an error on the way (a shard down), {@link EOFException} when it closes the
     * connection without one, and an AssertionError when the router does not close a connection
     * whose client shut down its side.
     */
    void die(Death death) throws IOException {
        String locking = "UPDATE " + table + " SET v = v + 1 WHERE id = " + key;
        if (death == Death.PSQL_KILLED) {
            killPsqlHolding(locking);
            return;
        }
        try (Socket socket = new Socket(RunningRouter.HOST, routerPort)) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            out.write(RawClient.startup(account));
            readUntil(socket, 'Z');
            out.write(RawClient.query("BEGIN; " + locking));
            readUntil(socket, 'Z');
            byte[] next = RawClient.query("SELECT 'the rest of a message that never comes'");
            switch (death) {
                case HALF_MESSAGE_THEN_SHUTDOWN, HALF_MESSAGE_THEN_CLOSE -> out.write(Arrays.copyOf(next, next.length / 2));
                case HALF_HEADER_THEN_SHUTDOWN -> out.write(Arrays.copyOf(next, 3));
                case IN_TRANSACTION_SHUTDOWN, IN_TRANSACTION_CLOSE -> { }
                case IN_TRANSACTION_RESET -> socket.setSoLinger(true, 0);
                case MID_COPY_THEN_CLOSE -> {
                    out.write(RawClient.query("COPY " + table + " FROM STDIN"));
                    readUntil(socket, 'G');
                    out.write(message('d', (freeKey + "\t0\n" + key + "\t").getBytes(StandardCharsets.UTF_8)));
                }
                case COMMIT_THEN_CLOSE -> out.write(RawClient.query("COMMIT"));
                case PSQL_KILLED -> throw new IllegalStateException("psql dies its own way, above");
                case MID_EXTENDED_SEGMENT_THEN_CLOSE -> {
                    out.write(message('P', cstrings("", locking), new byte[2]));
                    out.write(message('B', cstrings("", ""), new byte[6]));
                    out.write(message('E', cstrings(""), new byte[4]));
                }
            }
            out.flush();
            if (!death.shutsDownItsSide()) {
                return; // try-with-resources closes (or resets) the socket
            }
            socket.shutdownOutput();
            // the router must see the end and close its side: no socket left in CLOSE-WAIT
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            int read = 0;
            while (read >= 0 && System.nanoTime() < deadline) {
                read = socket.getInputStream().read(new byte[256]);
            }
            if (read != -1) {
                throw new AssertionError("the router did not close a connection whose client ended it (" + death + ")");
            }
        }
    }

    /** Starts psql, has it take the row's lock in a transaction, and kills it (10 s for the lock at most). */
    private void killPsqlHolding(String locking) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(PostgresInstallation.locate().binary("psql").toString(), "-X", "-A", "-t", "-w",
                "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose", "-h", RunningRouter.HOST, "-p", Integer.toString(routerPort), "-U", account.user(),
                "-d", account.database()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        builder.environment().put("PGPASSWORD", account.password());
        builder.environment().put("PGCONNECT_TIMEOUT", "10");
        Process psql = builder.start();
        AtomicBoolean gaveUp = new AtomicBoolean();
        Thread.ofVirtual().start(() -> {
            try {
                if (!psql.waitFor(10, TimeUnit.SECONDS)) {
                    gaveUp.set(true);
                    psql.destroyForcibly();
                }
            } catch (InterruptedException e) {
                psql.destroyForcibly();
            }
        });
        try {
            // stdin stays open: psql waits for more input inside the transaction
            Writer in = new OutputStreamWriter(psql.getOutputStream(), StandardCharsets.UTF_8);
            in.write("BEGIN;\n" + locking + ";\nSELECT 'locked';\n");
            in.flush();
            BufferedReader out = new BufferedReader(new InputStreamReader(psql.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder printed = new StringBuilder();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.equals("locked")) {
                    return; // finally kills it
                }
                printed.append(line.strip()).append(' ');
            }
            if (printed.indexOf("ERROR:") >= 0 || printed.indexOf("FATAL:") >= 0) {
                throw new Refused(printed.toString().strip());
            }
            throw new EOFException(gaveUp.get() ? "psql got no answer within 10 s: " + printed
                    : "psql's connection ended without an ErrorResponse: " + printed);
        } finally {
            psql.destroyForcibly(); // SIGKILL
            try {
                psql.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A protocol message: type, length, then the parts. */
    private static byte[] message(char type, byte[]... parts) {
        int length = 4;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(1 + length).put((byte) type).putInt(length);
        for (byte[] part : parts) {
            buffer.put(part);
        }
        return buffer.array();
    }

    private static byte[] cstrings(String... values) {
        StringBuilder all = new StringBuilder();
        for (String value : values) {
            all.append(value).append('\0');
        }
        return all.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads whole messages until one of {@code type}; an ErrorResponse on the way is {@link Refused}. */
    private static void readUntil(Socket socket, char type) throws IOException {
        var in = new DataInputStream(socket.getInputStream());
        while (true) {
            int read = in.read();
            if (read < 0) {
                throw new EOFException("the router closed the connection without an ErrorResponse");
            }
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            if (read == 'E') {
                throw new Refused(new String(body, StandardCharsets.UTF_8).replace('\0', ' ').strip());
            }
            if (read == type) {
                return;
            }
        }
    }
}
