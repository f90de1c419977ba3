package dev.shardgate.cli.postgres;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The directory holding the PostgreSQL server programs (initdb, pg_ctl, postgres, psql, pgbench).
 *
 * <p>Looked up in order: the environment variable {@value #BIN_ENV}; the highest version under
 * {@code /usr/lib/postgresql/<version>/bin} (Debian and Ubuntu packages); {@code pg_ctl} on PATH.
 */
public record PostgresInstallation(Path binDirectory) {

    public static final String BIN_ENV = "SHARDGATE_PG_BIN";

    private static final Path DEBIAN_VERSIONS = Path.of("/usr/lib/postgresql");

    public static PostgresInstallation locate() {
        return locate(System.getenv(BIN_ENV), DEBIAN_VERSIONS, System.getenv("PATH"));
    }

    static PostgresInstallation locate(String configuredBin, Path versionsRoot, String searchPath) {
        if (configuredBin != null && !configuredBin.isBlank()) {
            Path bin = Path.of(configuredBin);
            if (!hasPgCtl(bin)) {
                throw new LocalPostgresException(BIN_ENV + "=" + configuredBin
                        + " does not contain an executable pg_ctl");
            }
            return new PostgresInstallation(bin);
        }
        return highestVersionUnder(versionsRoot)
                .or(() -> pgCtlOnPath(searchPath))
                .map(PostgresInstallation::new)
                .orElseThrow(() -> new LocalPostgresException(
                        "PostgreSQL server programs not found: no " + versionsRoot
                        + "/<version>/bin/pg_ctl and no pg_ctl on PATH. Install them"
                        + " (apt-get install -y postgresql) or set " + BIN_ENV
                        + " to the directory holding pg_ctl"));
    }

    /** The program {@code name} in this installation; it must exist and be executable. */
    public Path binary(String name) {
        Path program = binDirectory.resolve(name);
        if (!Files.isExecutable(program)) {
            throw new LocalPostgresException("PostgreSQL program " + program + " is missing or not executable");
        }
        return program;
    }

    private static Optional<Path> highestVersionUnder(Path versionsRoot) {
        if (!Files.isDirectory(versionsRoot)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(versionsRoot)) {
            return versions
                    .filter(dir -> dir.getFileName().toString().matches("\\d+(\\.\\d+)*"))
                    .map(dir -> dir.resolve("bin"))
                    .filter(PostgresInstallation::hasPgCtl)
                    .max(Comparator.comparing(bin -> versionOf(bin.getParent()), PostgresInstallation::compareVersions));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> pgCtlOnPath(String searchPath) {
        if (searchPath == null) {
            return Optional.empty();
        }
        return Arrays.stream(searchPath.split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(Path::of)
                .filter(PostgresInstallation::hasPgCtl)
                .findFirst()
                .map(PostgresInstallation::realBinDirectory);
    }

    /** A pg_ctl on PATH is often a symlink into the real bin directory that also holds postgres. */
    private static Path realBinDirectory(Path dirOnPath) {
        try {
            return dirOnPath.resolve("pg_ctl").toRealPath().getParent();
        } catch (IOException e) {
            return dirOnPath;
        }
    }

    private static boolean hasPgCtl(Path bin) {
        return Files.isExecutable(bin.resolve("pg_ctl"));
    }

    private static List<Integer> versionOf(Path versionDir) {
        return Arrays.stream(versionDir.getFileName().toString().split("\\.")).map(Integer::valueOf).toList();
    }

    private static int compareVersions(List<Integer> left, List<Integer> right) {
        for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
            int byPart = Integer.compare(left.get(i), right.get(i));
            if (byPart != 0) {
                return byPart;
            }
        }
        return Integer.compare(left.size(), right.size());
    }
}
