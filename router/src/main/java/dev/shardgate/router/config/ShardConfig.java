package dev.shardgate.router.config;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * A shard's PostgreSQL servers, each {@code host:port} ({@code [::1]:5432} for IPv6): a primary and
 * standbys in any order, as the router learns each host's role from the server (docs/replicas.md);
 * and how TLS is used towards them.
 *
 * @param login who the router logs in as on this shard when not the client ({@code db}, {@code usr},
 *     {@code pwd} as in SPQR's router.yaml)
 */
public record ShardConfig(List<String> hosts, ShardType type, ShardTlsSettings tls, ShardLogin login) {
    public ShardConfig {
        hosts = List.copyOf(hosts);
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(login, "login");
    }

    /** A shard whose logins are the clients' own. */
    public ShardConfig(List<String> hosts, ShardType type, ShardTlsSettings tls) {
        this(hosts, type, tls, ShardLogin.CLIENTS);
    }

    /** A shard reached without TLS. */
    public ShardConfig(List<String> hosts, ShardType type) {
        this(hosts, type, ShardTlsSettings.DISABLED);
    }

    public static ShardConfig data(String... hosts) {
        return new ShardConfig(List.of(hosts), ShardType.DATA);
    }

    /** The hosts as unresolved addresses: names are resolved when connecting, not at start. */
    public List<InetSocketAddress> addresses() {
        return hosts.stream().map(ShardConfig::parseAddress).toList();
    }

    /**
     * Parses {@code host:port}.
     *
     * @throws IllegalArgumentException when the text is not host:port with a port in 1..65535
     */
    public static InetSocketAddress parseAddress(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException(hostPort);
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":") || host.contains("[") || host.contains("]")) {
            throw new IllegalArgumentException(hostPort);
        }
        String port = hostPort.substring(colon + 1);
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace) || !port.matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException(hostPort);
        }
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65535) {
            throw new IllegalArgumentException(hostPort);
        }
        return InetSocketAddress.createUnresolved(host, number);
    }
}
