package dev.shardgate.it.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test files under {@code src/test/resources/console}. */
final class Resources {
    private Resources() {
    }

    static String text(String name) {
        try (InputStream in = Resources.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource console/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a resource into {@code dir} under the same name and returns the copy. */
    static Path copy(String name, Path dir) {
        try {
            return Files.writeString(dir.resolve(name), text(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
