package dev.shardgate.console.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.qdb.MemoryQdb;
import dev.shardgate.wire.BackendKeyData;
import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.BindComplete;
import dev.shardgate.wire.CancelRequest;
import dev.shardgate.wire.Close;
import dev.shardgate.wire.CloseComplete;
import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.CopyDone;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.Describe;
import dev.shardgate.wire.EmptyQueryResponse;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.Execute;
import dev.shardgate.wire.Flush;
import dev.shardgate.wire.NegotiateProtocolVersion;
import dev.shardgate.wire.ParameterDescription;
import dev.shardgate.wire.ParameterStatus;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.ParseComplete;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.PortalSuspended;
import dev.shardgate.wire.Protocol;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.RowDescription;
import dev.shardgate.wire.SslRequest;
import dev.shardgate.wire.StartupMessage;
import dev.shardgate.wire.Sync;
import dev.shardgate.wire.Terminate;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console's protocol handling message by message, with a hand-driven client. */
class ConsoleProtocolTest {
    private ConsoleServer server;

    @BeforeEach
    void start() throws Exception {
        var executor = new ConsoleExecutor(new MemoryQdb(), new StatusFixture());
        server = ConsoleServer.start("127.0.0.1", 0, (user, database) -> Optional.of(ConsoleAccess.Rule.trust()), executor);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A raw protocol client; every read fails after 10 s so that a server that hangs fails the test. */
    private final class Client implements AutoCloseable {
        final Socket socket;
        final PgReader in;
        final PgWriter out;

        Client() throws IOException {
            socket = new Socket("127.0.0.1", server.port());
            socket.setSoTimeout(10_000);
            in = new PgReader(socket.getInputStream(), Protocol.MAX_MESSAGE_LENGTH);
            out = new PgWriter(socket.getOutputStream());
        }

        Client login() throws IOException {
            out.write(StartupMessage.of(Map.of("user", "admin", "database", "console")));
            out.flush();
            List<BackendMessage> startup = untilReady();
            assertThat(startup.getFirst()).isEqualTo(dev.shardgate.wire.AuthenticationOk.INSTANCE);
            assertThat(startup).contains(new ParameterStatus("server_encoding", "UTF8"),
                    new ParameterStatus("standard_conforming_strings", "on"));
            assertThat(startup).anySatisfy(message -> assertThat(message).isInstanceOf(BackendKeyData.class));
            return this;
        }

        void send(dev.shardgate.wire.FrontendMessage... messages) throws IOException {
            for (var message : messages) {
                out.write(message);
            }
            out.flush();
        }

        /** Messages up to and including ReadyForQuery. */
        List<BackendMessage> untilReady() throws IOException {
            List<BackendMessage> messages = new ArrayList<>();
            BackendMessage message;
            do {
                message = in.readBackend();
                messages.add(message);
            } while (!(message instanceof ReadyForQuery));
            return messages;
        }

        /** True when the server closed the connection: the next read sees the end of the stream. */
        boolean closedByServer() throws IOException {
            return in.next() < 0;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void sslRequestIsRefusedThenStartupWorks() throws Exception {
        try (Client client = new Client()) {
            client.send(SslRequest.INSTANCE);
            assertThat(client.socket.getInputStream().read()).isEqualTo('N');
            client.login();
        }
    }

    @Test
    void cancelRequestClosesTheConnection() throws Exception {
        try (Client client = new Client()) {
            client.send(new CancelRequest(1, 2));
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void newerMinorVersionIsNegotiatedDown() throws Exception {
        try (Client client = new Client()) {
            client.send(new StartupMessage(3 << 16 | 2, Map.of("user", "admin", "_pq_.extra", "x")));
            assertThat(client.in.readBackend()).isEqualTo(new NegotiateProtocolVersion(0, List.of("_pq_.extra")));
            assertThat(client.untilReady().getLast()).isEqualTo(ReadyForQuery.IDLE);
        }
    }

    @Test
    void unsupportedProtocolIsFatal() throws Exception {
        try (Client client = new Client()) {
            client.send(new StartupMessage(2 << 16, Map.of("user", "admin")));
            var error = (ErrorResponse) client.in.readBackend();
            assertThat(error.isFatal()).isTrue();
            // The wire decoder refuses anything but protocol 3 before the console sees it.
            assertThat(error.code()).isEqualTo("08P01");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void garbageInsteadOfAStartupPacketGetsAnErrorNotAHang() throws Exception {
        try (Client client = new Client()) {
            client.socket.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes());
            var error = (ErrorResponse) client.in.readBackend();
            assertThat(error.isFatal()).isTrue();
            assertThat(error.code()).isEqualTo("08P01");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void unknownMessageTypeAfterLoginIsFatal() throws Exception {
        try (Client client = new Client().login()) {
            client.socket.getOutputStream().write(new byte[] {'@', 0, 0, 0, 4});
            var error = (ErrorResponse) client.in.readBackend();
            assertThat(error.isFatal()).isTrue();
            assertThat(error.code()).isEqualTo("08P01");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void simpleQueryAnswersEveryStatementThenReadyForQuery() throws Exception {
        try (Client client = new Client().login()) {
            client.send(new Query("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'; SHOW shards"));
            assertThat(client.untilReady()).containsExactly(
                    new RowDescription(List.of(RowDescription.Field.text("add shard"))),
                    DataRow.text("shard id -> sh1"),
                    new CommandComplete("SELECT 1"),
                    new RowDescription(List.of(RowDescription.Field.text("shard_id"), RowDescription.Field.text("hosts"))),
                    DataRow.text("sh1", "pg1:5432"),
                    new CommandComplete("SELECT 1"),
                    ReadyForQuery.IDLE);
        }
    }

    @Test
    void emptyQueryAndErrors() throws Exception {
        try (Client client = new Client().login()) {
            client.send(new Query("  ;  "));
            assertThat(client.untilReady()).containsExactly(EmptyQueryResponse.INSTANCE, ReadyForQuery.IDLE);

            client.send(new Query("SHOW shards WHERE nope = 1"));
            List<BackendMessage> answer = client.untilReady();
            assertThat(answer).hasSize(2);
            var error = (ErrorResponse) answer.getFirst();
            assertThat(error.code()).isEqualTo("42703");
            assertThat(error.hint()).isEqualTo("SHOW shards has columns shard_id, hosts.");

            client.send(new Query("SHOW shards\nWHERE = 1"));
            error = (ErrorResponse) client.untilReady().getFirst();
            assertThat(error.code()).isEqualTo("42601");
            assertThat(error.field(dev.shardgate.wire.ErrorFields.POSITION)).isEqualTo("19");

            client.send(Terminate.INSTANCE);
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void extendedQueryWithRowLimitSuspendsThePortal() throws Exception {
        try (Client client = new Client().login()) {
            client.send(new Parse("s1", "SHOW clients"), Describe.statement("s1"),
                    new Bind("", "s1", new short[0], new byte[0][], new short[0]), Describe.portal(""),
                    new Execute("", 1), new Execute("", 1), new Execute("", 1), Sync.INSTANCE);
            List<BackendMessage> answer = client.untilReady();
            RowDescription description = (RowDescription) answer.get(2);
            assertThat(answer.get(0)).isEqualTo(ParseComplete.INSTANCE);
            assertThat(answer.get(1)).isEqualTo(new ParameterDescription(new int[0]));
            assertThat(description.fields()).extracting(RowDescription.Field::name)
                    .containsExactly("client_id", "user", "dbname", "client_address", "server_id");
            assertThat(answer.subList(3, answer.size())).containsExactly(
                    BindComplete.INSTANCE, description,
                    DataRow.text("c1", "app", "shop", "10.0.0.5:50312", "b1"), PortalSuspended.INSTANCE,
                    DataRow.text("c2", "report", "shop", "10.0.0.6:50988", null), PortalSuspended.INSTANCE,
                    new CommandComplete("SELECT 0"), ReadyForQuery.IDLE);
        }
    }

    @Test
    void binaryResultFormatIsReportedAndTheBytesAreText() throws Exception {
        try (Client client = new Client().login()) {
            client.send(new Parse("", "SHOW version"), new Bind("", "", new short[0], new byte[0][], new short[] {1}),
                    Describe.portal(""), new Execute("", 0), Sync.INSTANCE);
            List<BackendMessage> answer = client.untilReady();
            assertThat(((RowDescription) answer.get(2)).fields().getFirst().format()).isEqualTo((short) 1);
            assertThat(answer.subList(3, answer.size()))
                    .containsExactly(DataRow.text("Shardgate 0.1.0-test"), new CommandComplete("SELECT 1"), ReadyForQuery.IDLE);
        }
    }

    @Test
    void anErrorSkipsToSyncAndNothingAfterItRuns() throws Exception {
        try (Client client = new Client().login()) {
            client.send(new Parse("", "CREATE SHAR x"),
                    new Bind("", "", new short[0], new byte[0][], new short[0]), new Execute("", 0),
                    new Parse("", "CREATE SHARD sh1 WITH HOSTS 'h:1'"),
                    new Bind("", "", new short[0], new byte[0][], new short[0]), new Execute("", 0), Sync.INSTANCE);
            List<BackendMessage> answer = client.untilReady();
            assertThat(answer).hasSize(2);
            assertThat(((ErrorResponse) answer.getFirst()).code()).isEqualTo("42601");

            client.send(new Query("SHOW shards"));
            assertThat(client.untilReady()).doesNotHaveAnyElementsOfTypes(DataRow.class);
        }
    }

    @Test
    void extendedQueryRunsAChangeAndAnEmptyStatement() throws Exception {
        try (Client client = new Client().login()) {
            client.send(new Parse("", "CREATE SHARD sh1 WITH HOSTS 'h:1'"),
                    new Bind("p", "", new short[0], new byte[0][], new short[0]), Describe.portal("p"), new Execute("p", 0),
                    Close.portal("p"), new Parse("", ""), new Bind("", "", new short[0], new byte[0][], new short[0]),
                    new Execute("", 0), Flush.INSTANCE);
            assertThat(List.of(client.in.readBackend(), client.in.readBackend(), client.in.readBackend(),
                    client.in.readBackend(), client.in.readBackend(), client.in.readBackend(), client.in.readBackend(),
                    client.in.readBackend(), client.in.readBackend())).containsExactly(
                    ParseComplete.INSTANCE, BindComplete.INSTANCE,
                    new RowDescription(List.of(RowDescription.Field.text("add shard"))), DataRow.text("shard id -> sh1"),
                    new CommandComplete("SELECT 1"),
                    CloseComplete.INSTANCE, ParseComplete.INSTANCE, BindComplete.INSTANCE, EmptyQueryResponse.INSTANCE);
            client.send(Sync.INSTANCE);
            assertThat(client.untilReady()).containsExactly(ReadyForQuery.IDLE);
        }
    }

    @Test
    void extendedQueryErrors() throws Exception {
        try (Client client = new Client().login()) {
            client.send(new Parse("", "SHOW shards; SHOW pools"), Sync.INSTANCE);
            assertThat(error(client)).isEqualTo("42601 cannot insert multiple commands into a prepared statement");

            client.send(new Bind("", "nope", new short[0], new byte[0][], new short[0]), Sync.INSTANCE);
            assertThat(error(client)).isEqualTo("26000 prepared statement \"nope\" does not exist");

            client.send(new Execute("nope", 0), Sync.INSTANCE);
            assertThat(error(client)).isEqualTo("34000 portal \"nope\" does not exist");

            client.send(new Parse("s", "SHOW shards"), new Parse("s", "SHOW shards"), Sync.INSTANCE);
            List<BackendMessage> answer = client.untilReady();
            assertThat(answer.getFirst()).isEqualTo(ParseComplete.INSTANCE);
            assertThat(((ErrorResponse) answer.get(1)).message()).isEqualTo("prepared statement \"s\" already exists");

            client.send(new Bind("", "s", new short[0], new byte[][] {"1".getBytes()}, new short[0]), Sync.INSTANCE);
            assertThat(error(client)).isEqualTo("08P01 bind message supplies 1 parameters, but prepared statement \"s\" requires 0");

            client.send(new Bind("", "s", new short[0], new byte[0][], new short[] {0, 0, 0}), Sync.INSTANCE);
            assertThat(error(client)).isEqualTo("08P01 bind message has 3 result formats but query has 2 columns");

            client.send(new Parse("", "SHOW nothing"), Describe.statement(""), Sync.INSTANCE);
            assertThat(error(client)).startsWith("42704 unknown SHOW target \"nothing\"");

            // Copy messages outside a COPY are ignored, as PostgreSQL does.
            client.send(new CopyDone(), new Query("SHOW status"));
            assertThat(client.untilReady()).contains(DataRow.text("OPEN"));
        }
    }

    private static String error(Client client) throws IOException {
        List<BackendMessage> answer = client.untilReady();
        assertThat(answer).hasSize(2);
        var error = (ErrorResponse) answer.getFirst();
        return error.code() + " " + error.message();
    }
}
