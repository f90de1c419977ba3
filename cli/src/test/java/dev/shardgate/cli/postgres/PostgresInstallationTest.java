package dev.shardgate.cli.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresInstallationTest {

    @TempDir
    Path dir;

    @Test
    void picksTheHighestVersionWithPgCtl() throws IOException {
        Path versions = dir.resolve("versions");
        program(versions.resolve("9.6/bin/pg_ctl"));
        program(versions.resolve("15/bin/pg_ctl"));
        program(versions.resolve("12/bin/pg_ctl"));
        Files.createDirectories(versions.resolve("16/bin"));

        assertThat(PostgresInstallation.locate(null, versions, null).binDirectory()).isEqualTo(versions.resolve("15/bin"));
    }

    @Test
    void configuredDirectoryWinsAndMustHoldPgCtl() throws IOException {
        Path versions = dir.resolve("versions");
        program(versions.resolve("15/bin/pg_ctl"));
        Path custom = dir.resolve("custom");
        program(custom.resolve("pg_ctl"));

        assertThat(PostgresInstallation.locate(custom.toString(), versions, null).binDirectory()).isEqualTo(custom);
        assertThatThrownBy(() -> PostgresInstallation.locate(dir.resolve("empty").toString(), versions, null))
                .hasMessageContaining(PostgresInstallation.BIN_ENV)
                .hasMessageContaining("pg_ctl");
    }

    @Test
    void fallsBackToPgCtlOnPath() throws IOException {
        Path real = dir.resolve("opt/pg/bin");
        program(real.resolve("pg_ctl"));
        Path onPath = Files.createDirectories(dir.resolve("path"));
        Files.createSymbolicLink(onPath.resolve("pg_ctl"), real.resolve("pg_ctl"));

        assertThat(PostgresInstallation.locate(null, dir.resolve("none"), "/nonexistent:" + onPath).binDirectory())
                .isEqualTo(real.toRealPath());
    }

    @Test
    void nothingFoundSaysWhatToInstall() {
        assertThatThrownBy(() -> PostgresInstallation.locate(null, dir.resolve("none"), dir.toString()))
                .isInstanceOf(LocalPostgresException.class)
                .hasMessageContaining("apt-get install -y postgresql");
    }

    @Test
    void thisMachineHasTheServerPrograms() {
        PostgresInstallation installation = PostgresInstallation.locate();
        assertThat(installation.binary("postgres")).isExecutable();
        assertThatThrownBy(() -> installation.binary("no-such-program")).hasMessageContaining("no-such-program");
    }

    private static void program(Path path) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "#!/bin/sh\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
