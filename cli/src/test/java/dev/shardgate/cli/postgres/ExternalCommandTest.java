package dev.shardgate.cli.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExternalCommandTest {

    @Test
    void capturesExitCodeOutputAndInput() {
        ProcessResult result = ExternalCommand.of("/bin/sh", "-c", "cat; echo \"$GREETING\" >&2; exit 3")
                .withInput("from stdin")
                .withEnvironment("GREETING", "hello")
                .run(Duration.ofSeconds(10));
        assertThat(result).isEqualTo(new ProcessResult(3, "from stdin", "hello\n"));
        assertThatThrownBy(() -> result.requireSuccess("the script"))
                .hasMessageContaining("the script failed with exit code 3")
                .hasMessageContaining("hello");
    }

    @Test
    void deadlineKillsTheProgram() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> ExternalCommand.of("/bin/sleep", "30").run(Duration.ofMillis(300)))
                .isInstanceOf(LocalPostgresException.class)
                .hasMessageContaining("did not finish within");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void serverUserCommandsRunAsPostgresWhenWeAreRoot() {
        String user = ExternalCommand.of("/usr/bin/id", "-un").asServerUser().run(Duration.ofSeconds(10)).stdout().strip();
        String expected = ExternalCommand.runningAsRoot() ? "postgres" : System.getProperty("user.name");
        assertThat(user).isEqualTo(expected);
    }
}
