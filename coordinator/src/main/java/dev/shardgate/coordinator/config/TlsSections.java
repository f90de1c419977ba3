package dev.shardgate.coordinator.config;

import dev.shardgate.qdb.tls.EtcdTls;
import dev.shardgate.qdb.tls.GrpcClientTls;
import dev.shardgate.qdb.tls.GrpcServerTls;
import dev.shardgate.qdb.tls.GrpcTls;
import dev.shardgate.qdb.tls.TlsConfigException;
import dev.shardgate.qdb.tls.TlsMode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * coordinator.yaml's TLS sections: grpc_server_tls (the API routers call), grpc_client_tls (the
 * coordinator's pushes to routers) and qdb_tls (etcd). Files are read here, at start, so that a
 * missing or unusable one is reported with its key.
 */
final class TlsSections {
    static final List<String> SERVER_KEYS = List.of("mode", "cert_file", "key_file", "client_ca_file");
    static final List<String> CLIENT_KEYS = List.of("mode", "root_ca_file", "cert_file", "key_file", "server_name");
    static final List<String> ETCD_KEYS = List.of("root_ca_file", "cert_file", "key_file");
    private static final List<String> MODES = Arrays.stream(TlsMode.values()).map(TlsMode::configName).toList();

    private TlsSections() {
    }

    static GrpcTls grpc(Section top, Path baseDir) {
        GrpcServerTls server = top.section(SpqrCoordinatorKeys.keyOf(top, "grpc_server_tls"), SERVER_KEYS).map(section -> checked(section, () -> {
            GrpcServerTls tls = new GrpcServerTls(mode(section), path(section, "cert_file", baseDir),
                    path(section, "key_file", baseDir), path(section, "client_ca_file", baseDir));
            tls.check();
            return tls;
        })).orElse(GrpcServerTls.DISABLED);
        GrpcClientTls client = top.section(SpqrCoordinatorKeys.keyOf(top, "grpc_client_tls"), CLIENT_KEYS).map(section -> checked(section, () -> {
            GrpcClientTls tls = new GrpcClientTls(mode(section), path(section, "root_ca_file", baseDir),
                    path(section, "cert_file", baseDir), path(section, "key_file", baseDir),
                    section.text("server_name").orElse(null));
            tls.check();
            return tls;
        })).orElse(GrpcClientTls.DISABLED);
        return new GrpcTls(server, client);
    }

    static EtcdTls etcd(Section top, Path baseDir) {
        return top.section("qdb_tls", ETCD_KEYS).map(section -> checked(section, () -> {
            EtcdTls tls = new EtcdTls(true, path(section, "root_ca_file", baseDir), path(section, "cert_file", baseDir),
                    path(section, "key_file", baseDir));
            tls.check();
            return tls;
        })).orElse(EtcdTls.DISABLED);
    }

    private static TlsMode mode(Section section) {
        return section.oneOf("mode", MODES).map(mode -> TlsMode.valueOf(mode.toUpperCase(java.util.Locale.ROOT)))
                .orElseThrow(() -> section.error("mode", "is required (" + String.join(", ", MODES) + ")"));
    }

    private static Path path(Section section, String key, Path baseDir) {
        Optional<String> text = section.text(key);
        if (text.isPresent() && text.get().isBlank()) {
            throw section.error(key, "must not be empty");
        }
        return text.map(Path::of).map(path -> baseDir == null || path.isAbsolute() ? path : baseDir.resolve(path))
                .orElse(null);
    }

    private static <T> T checked(Section section, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (TlsConfigException e) {
            throw section.error(e.key(), e.getMessage());
        }
    }
}
