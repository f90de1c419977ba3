package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgQueryTest {
    @TempDir
    Path directory;

    @Test
    void missingLibraryNamesThePackageToInstall() {
        assertThatThrownBy(() -> PgQuery.findLibrary(null, List.of(directory)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("apt-get install libpg-query-dev")
                .hasMessageContaining(directory.resolve("libpg_query.so").toString());
    }

    @Test
    void configuredPathThatIsNoFileIsAnError() {
        assertThatThrownBy(() -> PgQuery.findLibrary(directory.resolve("nope.so").toString(), List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(PgQuery.ENV_LIBRARY)
                .hasMessageContaining("apt-get install libpg-query-dev");
    }

    @Test
    void configuredPathWins() throws IOException {
        Path library = Files.createFile(directory.resolve("custom.so"));

        assertThat(PgQuery.findLibrary(library.toString(), List.of(Path.of("/usr/lib/x86_64-linux-gnu")))).isEqualTo(library);
    }

    @Test
    void unversionedNameIsPreferredThenAVersionedOne() throws IOException {
        Path versioned = Files.createFile(directory.resolve("libpg_query.so.1504.0"));
        assertThat(PgQuery.findLibrary(null, List.of(directory))).isEqualTo(versioned);

        Path plain = Files.createFile(directory.resolve("libpg_query.so"));
        assertThat(PgQuery.findLibrary(null, List.of(directory))).isEqualTo(plain);
    }

    @Test
    void parsesAndReportsErrorsWithTheirCursorPosition() {
        PgQuery parser = PgQuery.load();

        PgQuery.Outcome tree = parser.parse("SELECT 1".getBytes(StandardCharsets.UTF_8));
        PgQuery.Outcome failure = parser.parse("SELECT FROM WHERE".getBytes(StandardCharsets.UTF_8));

        assertThat(tree).isInstanceOf(PgQuery.Outcome.Tree.class);
        assertThat(((PgQuery.Outcome.Tree) tree).json()).startsWith("{\"version\":150001");
        assertThat(failure).isEqualTo(new PgQuery.Outcome.Failure("syntax error at or near \"WHERE\"", 13));
    }
}
