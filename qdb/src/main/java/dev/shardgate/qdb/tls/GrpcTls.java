package dev.shardgate.qdb.tls;

import java.util.Objects;

/**
 * Both sides of a process's gRPC links: the API it serves (routers serve the coordinator's pushes,
 * coordinators serve routers' fetches and key-value calls) and the calls it makes.
 */
public record GrpcTls(GrpcServerTls server, GrpcClientTls client) {
    public static final GrpcTls DISABLED = new GrpcTls(GrpcServerTls.DISABLED, GrpcClientTls.DISABLED);

    public GrpcTls {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(client, "client");
    }
}
