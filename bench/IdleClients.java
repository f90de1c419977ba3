import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Opens COUNT PostgreSQL client connections (protocol 3.0, trust authentication), waits until each
 * has received ReadyForQuery, prints {@code ready COUNT} and then holds them idle until killed, so
 * that the memory a server or proxy spends per idle client can be measured from outside.
 *
 * <p>Run with the JDK's single-file launcher, no build needed:
 * {@code java bench/IdleClients.java HOST PORT USER DATABASE COUNT}. It exits with status 1 and a
 * message if any connection fails.
 */
public final class IdleClients {
    private static final int PROTOCOL_3_0 = 196_608;
    private static final int OPENING_AT_ONCE = 32;
    private static final int TIMEOUT_MILLIS = 30_000;

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: java IdleClients.java HOST PORT USER DATABASE COUNT");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        byte[] startup = startupPacket(args[2], args[3]);
        int count = Integer.parseInt(args[4]);

        List<Socket> open = Collections.synchronizedList(new ArrayList<>(count));
        AtomicReference<String> firstFailure = new AtomicReference<>();
        long started = System.nanoTime();
        try (ExecutorService openers = Executors.newFixedThreadPool(OPENING_AT_ONCE)) {
            List<Future<?>> pending = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                pending.add(openers.submit(() -> {
                    try {
                        open.add(connect(host, port, startup));
                    } catch (IOException | RuntimeException e) {
                        firstFailure.compareAndSet(null, e.toString());
                    }
                }));
            }
            for (Future<?> future : pending) {
                future.get();
            }
        }
        if (firstFailure.get() != null) {
            System.out.println("failed " + (count - open.size()) + " of " + count + ": " + firstFailure.get());
            System.exit(1);
        }
        System.out.println("ready " + open.size() + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /** Connects and reads up to ReadyForQuery; the socket stays open with nothing in flight. */
    private static Socket connect(String host, int port, byte[] startup) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(startup);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                byte type = in.readByte();
                byte[] payload = new byte[in.readInt() - 4];
                in.readFully(payload);
                switch (type) {
                    case 'Z' -> {
                        socket.setSoTimeout(0);
                        return socket;
                    }
                    case 'E' -> throw new IOException("server refused the connection: " + errorMessage(payload));
                    case 'R' -> {
                        int code = ByteBuffer.wrap(payload).getInt();
                        if (code != 0) {
                            throw new IOException("server asks for authentication (request " + code
                                    + "); only trust is supported here");
                        }
                    }
                    default -> {
                        // ParameterStatus, BackendKeyData, NoticeResponse: nothing to do while idle
                    }
                }
            }
        } catch (EOFException e) {
            socket.close();
            throw new IOException("server closed the connection during startup", e);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static byte[] startupPacket(String user, String database) {
        byte[] parameters = ("user\0" + user + "\0database\0" + database + "\0application_name\0idle-clients\0\0")
                .getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + parameters.length)
                .putInt(8 + parameters.length).putInt(PROTOCOL_3_0).put(parameters).array();
    }

    /** The M (message) field of an ErrorResponse. */
    private static String errorMessage(byte[] payload) {
        int i = 0;
        while (i < payload.length && payload[i] != 0) {
            byte field = payload[i++];
            int end = i;
            while (end < payload.length && payload[end] != 0) {
                end++;
            }
            if (field == 'M') {
                return new String(payload, i, end - i, StandardCharsets.UTF_8);
            }
            i = end + 1;
        }
        return "(no message)";
    }
}
