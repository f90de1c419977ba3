package dev.shardgate.coordinator.config;

import dev.shardgate.wire.tls.FrontendTlsSettings;
import dev.shardgate.wire.tls.ServerTlsSettings;
import dev.shardgate.wire.tls.SslMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * coordinator.yaml's {@code frontend_tls}: TLS for clients of the console, with the keys and meanings
 * of router.yaml's section of the same name (SPQR writes both alike). The files are looked at here,
 * so that a missing one is reported with its key at start or RELOAD.
 */
final class ConsoleTlsSection {
    private static final List<String> MODES = Arrays.stream(SslMode.values()).map(SslMode::configName).toList();

    private ConsoleTlsSection() {
    }

    static FrontendTlsSettings read(Section top, Path baseDir) {
        return top.section("frontend_tls", FrontendTlsSettings.KEYS).map(tls -> {
            SslMode mode = tls.oneOf("sslmode", MODES).map(ConsoleTlsSection::mode).orElse(SslMode.DISABLE);
            if (!mode.offersTls()) {
                return FrontendTlsSettings.DISABLED;
            }
            String minProtocol = tls.text("min_protocol").orElse(ServerTlsSettings.DEFAULT_MIN_PROTOCOL);
            if (!ServerTlsSettings.PROTOCOLS.contains(minProtocol)) {
                throw tls.error("min_protocol", "must be one of " + ServerTlsSettings.PROTOCOLS + ", not '" + minProtocol + "'");
            }
            List<String> ciphers = tls.list("ciphers").stream().map(String::valueOf).toList();
            var settings = new FrontendTlsSettings(mode, new ServerTlsSettings(file(tls, "cert_file", baseDir, true),
                    file(tls, "key_file", baseDir, true), file(tls, "root_cert_file", baseDir, false), minProtocol, ciphers));
            settings.problem().ifPresent(problem -> {
                throw top.error("frontend_tls", problem);
            });
            return settings;
        }).orElse(FrontendTlsSettings.DISABLED);
    }

    private static SslMode mode(String name) {
        return SslMode.valueOf(name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }

    /** A readable file, or null when an optional key is absent. */
    private static Path file(Section tls, String key, Path baseDir, boolean required) {
        String text = tls.text(key).orElse(null);
        if (text == null || text.isBlank()) {
            if (required || text != null) {
                throw tls.error(key, required ? "is required when sslmode is not disable" : "must not be empty");
            }
            return null;
        }
        Path path = Path.of(text);
        if (baseDir != null && !path.isAbsolute()) {
            path = baseDir.resolve(path);
        }
        if (!Files.isReadable(path)) {
            throw tls.error(key, "cannot read " + path + ": no such file or not readable");
        }
        return path;
    }
}
