package dev.shardgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code shardgate} command line as a user runs it: exit codes and what it prints. */
class ShardgateCommandTest {
    /** A config that would start a router on free ports; the tests add one fault each. */
    private static final String VALID_CONFIG = """
            host: '127.0.0.1'
            router_port: '0'
            admin_console_port: '0'
            grpc_api_port: '0'
            frontend_rules:
              - db: app
                usr: app
                auth_rule:
                  auth_method: ok
            backend_rules:
              - db: app
                usr: app
            shards:
              sh1:
                hosts: ['127.0.0.1:1']
            """;

    @TempDir
    Path dir;

    /** Exit code and everything printed, by picocli (its out/err) or by the command (System.out/err). */
    private record Run(int exitCode, String out, String err) {
    }

    /** Runs the command; a router that starts by mistake would block for ever, hence the time limit. */
    private static Run shardgate(String... args) {
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            ByteArrayOutputStream systemOut = new ByteArrayOutputStream();
            ByteArrayOutputStream systemErr = new ByteArrayOutputStream();
            PrintStream originalOut = System.out;
            PrintStream originalErr = System.err;
            System.setOut(new PrintStream(systemOut, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(systemErr, true, StandardCharsets.UTF_8));
            try {
                CommandLine commandLine = new CommandLine(new Shardgate());
                commandLine.setOut(new PrintWriter(out, true));
                commandLine.setErr(new PrintWriter(err, true));
                int exitCode = commandLine.execute(args);
                return new Run(exitCode, out + systemOut.toString(StandardCharsets.UTF_8),
                        err + systemErr.toString(StandardCharsets.UTF_8));
            } finally {
                System.setOut(originalOut);
                System.setErr(originalErr);
            }
        });
    }

    @Test
    void versionExitsZeroAndPrintsTheVersion() {
        Run run = shardgate("--version");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).matches("shardgate \\S+").isEqualTo("shardgate " + Version.current());
    }

    @Test
    void helpListsTheSubcommands() {
        Run run = shardgate("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("router").contains("demo");
    }

    @Test
    void aMissingConfigFileExitsNonZeroNamingTheFile() {
        Path missing = dir.resolve("missing.yaml");
        Run run = shardgate("router", "--config", missing.toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains(missing.toString());
    }

    @Test
    void anUnknownTopLevelKeyExitsNonZeroNamingTheKeyAndTheFile() throws Exception {
        Path config = Files.writeString(dir.resolve("router.yaml"), VALID_CONFIG + "router_prot: 6432\n");
        Run run = shardgate("router", "--config", config.toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains(config.toString()).contains("unknown key 'router_prot'");
    }

    @Test
    void anUnknownNestedKeyExitsNonZeroNamingItsPath() throws Exception {
        Path config = Files.writeString(dir.resolve("router.yaml"),
                VALID_CONFIG.replace("auth_method: ok", "auth_method: ok\n      auth_metod: md5"));
        Run run = shardgate("router", "-c", config.toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains(config.toString()).contains("frontend_rules[0].auth_rule")
                .contains("unknown key 'auth_metod'");
    }

    @Test
    void aCorruptQdbFileExitsNonZeroNamingTheQdbFile() throws Exception {
        Path qdb = Files.writeString(dir.resolve("qdb.yaml"), "{{{ not yaml");
        Path config = Files.writeString(dir.resolve("router.yaml"), VALID_CONFIG + "qdb_file: qdb.yaml\n");
        Run run = shardgate("router", "--config", config.toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains(qdb.toString());
    }

    @Test
    void routerWithoutConfigIsAUsageError() {
        Run run = shardgate("router");
        assertThat(run.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.err()).contains("--config");
    }
}
