package dev.shardgate.it.router;

import dev.shardgate.wire.auth.Md5Password;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * One hostile connection, made up from a seeded {@link Random}: what it sends, and whether the
 * server must answer or close within the test's patience (a complete packet it cannot accept),
 * or may wait for more (a truncated one, which the client abandons by closing).
 */
final class Fuzz {
    /** What happened: packets written, and whether a reply or close that was due did not come. */
    record Outcome(int packets, boolean hung, String kind) {
    }

    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;
    private static final int CANCEL_REQUEST = 80877102;
    private static final int PROTOCOL_3_0 = 196608;
    private static final int PATIENCE_MILLIS = 5000;

    private final Random random;
    private final String user;
    private final String password;
    private final String database;

    /** @param user a user the server knows, with its md5 password, so that some connections log in */
    Fuzz(Random random, String user, String password, String database) {
        this.random = random;
        this.user = user;
        this.password = password;
        this.database = database;
    }

    /** Connects from {@code localAddress} to {@code port}, plays one random case and closes. */
    Outcome play(String localAddress, int port) throws IOException {
        int kind = random.nextInt(10);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress(RunningRouter.HOST, port), PATIENCE_MILLIS);
            socket.setSoTimeout(PATIENCE_MILLIS);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            return switch (kind) {
                case 0 -> sendAndLeave(out, randomBytes(1 + random.nextInt(200)), 1, "random bytes");
                case 1 -> sendAndAwaitEnd(in, out, badLengthStartup(), 1, "bad startup length");
                case 2 -> sendAndAwaitEnd(in, out, startup(badProtocolVersion(), user, database), 1, "bad protocol version");
                case 3 -> sendAndLeave(out, concat(request(SSL_REQUEST), randomBytes(1 + random.nextInt(100))), 2, "SSLRequest then garbage");
                case 4 -> sendAndLeave(out, concat(request(GSSENC_REQUEST), randomBytes(1 + random.nextInt(100))), 2, "GSSENCRequest then garbage");
                case 5 -> sendAndAwaitEnd(in, out, cancel(), 1, "bogus cancel");
                case 6 -> sendAndAwaitEnd(in, out, concat(startup(PROTOCOL_3_0, user, database), refusedMessages()),
                        2, "garbage at the password prompt");
                case 7 -> sendAndAwaitEnd(in, out, concat(startup(PROTOCOL_3_0, "nobody_" + random.nextInt(1000), database),
                        refusedMessages()), 2, "unknown user, garbage at the prompt");
                case 8 -> sendAndLeave(out, concat(startup(PROTOCOL_3_0, user, database), truncatedMessage()), 2,
                        "truncated message at the prompt");
                default -> garbageAfterLogin(in, out);
            };
        }
    }

    private Outcome sendAndLeave(OutputStream out, byte[] bytes, int packets, String kind) {
        return new Outcome(write(out, bytes) ? packets : 0, false, kind);
    }

    /** A complete packet the server cannot accept: it must answer and close, not wait. */
    private Outcome sendAndAwaitEnd(InputStream in, OutputStream out, byte[] bytes, int packets, String kind) {
        if (!write(out, bytes)) {
            return new Outcome(0, false, kind);
        }
        byte[] sink = new byte[8192];
        try {
            while (in.read(sink) >= 0) {
                // answers are read and dropped; the end of the stream is what is due
            }
            return new Outcome(packets, false, kind);
        } catch (SocketTimeoutException e) {
            return new Outcome(packets, true, kind);
        } catch (IOException e) {
            return new Outcome(packets, false, kind); // reset: closed all the same
        }
    }

    /** Logs in with md5, then sends random typed messages and leaves. */
    private Outcome garbageAfterLogin(InputStream in, OutputStream out) throws IOException {
        String kind = "garbage after login";
        if (!write(out, startup(PROTOCOL_3_0, user, database))) {
            return new Outcome(0, false, kind);
        }
        DataInputStream messages = new DataInputStream(in);
        try {
            int type = messages.read();
            byte[] body = new byte[messages.readInt() - 4];
            messages.readFully(body);
            if (type != 'R' || ByteBuffer.wrap(body).getInt() != 5) {
                return new Outcome(1, false, kind);
            }
            byte[] salt = Arrays.copyOfRange(body, 4, 8);
            byte[] response = (Md5Password.clientResponse(user, password, salt) + "\0").getBytes(StandardCharsets.UTF_8);
            write(out, ByteBuffer.allocate(5 + response.length).put((byte) 'p').putInt(4 + response.length).put(response).array());
            while (true) {
                type = messages.read();
                if (type < 0) {
                    return new Outcome(2, false, kind);
                }
                messages.readFully(new byte[messages.readInt() - 4]);
                if (type == 'Z') {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            return new Outcome(1, true, kind);
        } catch (IOException e) {
            return new Outcome(1, false, kind);
        }
        int count = 1 + random.nextInt(6);
        ByteArrayOutputStream garbage = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            garbage.writeBytes(randomMessage());
        }
        return new Outcome(2 + (write(out, garbage.toByteArray()) ? count : 0), false, kind);
    }

    /** Messages the server refuses at once at a password prompt: a wrong type, or a length beyond a login's. */
    private byte[] refusedMessages() {
        if (random.nextBoolean()) {
            return ByteBuffer.allocate(5 + 16).put((byte) 'p').putInt(65540 + random.nextInt(Integer.MAX_VALUE - 65540)).array();
        }
        byte type = (byte) "QPBEXHSdcf".charAt(random.nextInt(10));
        byte[] body = randomBytes(random.nextInt(64));
        return ByteBuffer.allocate(5 + body.length).put(type).putInt(4 + body.length).put(body).array();
    }

    private byte[] truncatedMessage() {
        byte[] body = randomBytes(random.nextInt(32));
        return ByteBuffer.allocate(5 + body.length).put((byte) 'p').putInt(4 + body.length + 1 + random.nextInt(60000)).put(body).array();
    }

    private byte[] randomMessage() {
        byte[] body = randomBytes(random.nextInt(128));
        int length = switch (random.nextInt(8)) {
            case 0 -> random.nextInt(4); // below the minimum
            case 1 -> Integer.MAX_VALUE - random.nextInt(1000); // beyond any limit
            default -> 4 + body.length;
        };
        return ByteBuffer.allocate(5 + body.length).put((byte) (32 + random.nextInt(95))).putInt(length).put(body).array();
    }

    private byte[] badLengthStartup() {
        int length = switch (random.nextInt(3)) {
            case 0 -> random.nextInt(8); // shorter than a length word and a code
            case 1 -> 10_005 + random.nextInt(1 << 20); // beyond MAX_STARTUP_PACKET_LENGTH
            default -> -1 - random.nextInt(Integer.MAX_VALUE);
        };
        return ByteBuffer.allocate(8).putInt(length).putInt(PROTOCOL_3_0).array();
    }

    private int badProtocolVersion() {
        while (true) {
            int version = random.nextInt();
            int major = version >>> 16;
            if (major != 3 && version != SSL_REQUEST && version != GSSENC_REQUEST && version != CANCEL_REQUEST) {
                return version;
            }
        }
    }

    private byte[] cancel() {
        return ByteBuffer.allocate(16).putInt(16).putInt(CANCEL_REQUEST).putInt(random.nextInt()).putInt(random.nextInt()).array();
    }

    private static byte[] request(int code) {
        return ByteBuffer.allocate(8).putInt(8).putInt(code).array();
    }

    private static byte[] startup(int version, String user, String database) {
        byte[] fields = ("user\0" + user + "\0database\0" + database + "\0\0").getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + fields.length).putInt(8 + fields.length).putInt(version).put(fields).array();
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** False when the server had already closed: nothing of it was delivered as far as the client knows. */
    private static boolean write(OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
