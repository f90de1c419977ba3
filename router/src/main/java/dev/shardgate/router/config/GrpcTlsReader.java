package dev.shardgate.router.config;

import dev.shardgate.qdb.tls.GrpcClientTls;
import dev.shardgate.qdb.tls.GrpcServerTls;
import dev.shardgate.qdb.tls.GrpcTls;
import dev.shardgate.qdb.tls.TlsConfigException;
import dev.shardgate.qdb.tls.TlsMode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * router.yaml's grpc_server_tls (the API where the coordinator pushes metadata) and grpc_client_tls
 * (the router's calls to coordinator_address), with SPQR's key names. Files are read at start, so
 * that a missing or unusable one is reported with its key.
 */
final class GrpcTlsReader {
    static final List<String> SERVER_KEYS = List.of("mode", "cert_file", "key_file", "client_ca_file");
    static final List<String> CLIENT_KEYS = List.of("mode", "root_ca_file", "cert_file", "key_file", "server_name");

    private GrpcTlsReader() {
    }

    static GrpcTls read(YamlMapping top, Path baseDir) {
        // SPQR names them grpc_api_tls and coordinator_grpc_tls (its grpc_tls docs)
        GrpcServerTls server = top.mapping(top.has("grpc_api_tls") ? "grpc_api_tls" : "grpc_server_tls", SERVER_KEYS)
                .map(section -> new GrpcServerTls(mode(section), section.path("cert_file", baseDir).orElse(null),
                        section.path("key_file", baseDir).orElse(null), section.path("client_ca_file", baseDir).orElse(null)))
                .orElse(GrpcServerTls.DISABLED);
        GrpcClientTls client = top.mapping(top.has("coordinator_grpc_tls") ? "coordinator_grpc_tls" : "grpc_client_tls", CLIENT_KEYS)
                .map(section -> new GrpcClientTls(mode(section), section.path("root_ca_file", baseDir).orElse(null),
                        section.path("cert_file", baseDir).orElse(null), section.path("key_file", baseDir).orElse(null),
                        section.string("server_name").orElse(null)))
                .orElse(GrpcClientTls.DISABLED);
        return new GrpcTls(server, client);
    }

    private static TlsMode mode(YamlMapping section) {
        return section.choice("mode", TlsMode.values(), TlsMode::configName).orElseThrow(() -> section.missing("mode"));
    }

    /** Both sections' files, read now; a router without a coordinator has no gRPC link to secure. */
    static void check(GrpcTls tls, boolean withCoordinator, ConfigSource source) {
        if (!withCoordinator && !tls.equals(GrpcTls.DISABLED)) {
            throw source.error(tls.server().mode() != TlsMode.DISABLED ? "grpc_server_tls" : "grpc_client_tls",
                    "needs with_coordinator: true");
        }
        try {
            tls.server().check();
        } catch (TlsConfigException e) {
            throw source.error(ConfigSource.child("grpc_server_tls", e.key()), e.getMessage());
        }
        try {
            tls.client().check();
        } catch (TlsConfigException e) {
            throw source.error(ConfigSource.child("grpc_client_tls", e.key()), e.getMessage());
        }
    }

    /** The sections as router.yaml writes them; nothing when TLS is off. */
    static void write(GrpcTls tls, Map<String, Object> top) {
        if (tls.server().mode() != TlsMode.DISABLED) {
            var server = new LinkedHashMap<String, Object>();
            server.put("mode", tls.server().mode().configName());
            putPath(server, "cert_file", tls.server().certFile());
            putPath(server, "key_file", tls.server().keyFile());
            putPath(server, "client_ca_file", tls.server().clientCaFile());
            top.put("grpc_server_tls", server);
        }
        if (tls.client().mode() != TlsMode.DISABLED) {
            var client = new LinkedHashMap<String, Object>();
            client.put("mode", tls.client().mode().configName());
            putPath(client, "root_ca_file", tls.client().rootCaFile());
            putPath(client, "cert_file", tls.client().certFile());
            putPath(client, "key_file", tls.client().keyFile());
            if (tls.client().serverName() != null) {
                client.put("server_name", tls.client().serverName());
            }
            top.put("grpc_client_tls", client);
        }
    }

    private static void putPath(Map<String, Object> section, String key, Path path) {
        if (path != null) {
            section.put(key, path.toString());
        }
    }
}
