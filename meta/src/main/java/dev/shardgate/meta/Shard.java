package dev.shardgate.meta;

import java.util.List;

/**
 * A PostgreSQL cluster that owns data: its id and its hosts as {@code host:port}. The host list may
 * be empty, for a shard declared before its hosts are known; routing to it then fails at connect.
 */
public record Shard(String id, List<String> hosts) {

    public Shard {
        MetadataException.requireName(id, "shard id");
        hosts = checkedHosts(id, hosts);
    }

    /** A copy of {@code hosts}, each checked to be {@code host:port}; refused (22023) naming the shard. */
    static List<String> checkedHosts(String shardId, List<String> hosts) {
        List<String> copy = List.copyOf(hosts);
        for (String host : copy) {
            if (!isHostAndPort(host)) {
                throw new MetadataException(MetadataException.INVALID_PARAMETER_VALUE,
                        "invalid host " + MetadataException.quote(host) + " for shard " + MetadataException.quote(shardId)
                                + ": expected host:port with a port from 1 to 65535");
            }
        }
        return copy;
    }

    /** {@code name:5432}, {@code 10.0.0.1:5432} or {@code [::1]:5432}. */
    static boolean isHostAndPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || !text.substring(colon + 1).matches("[0-9]{1,5}")) {
            return false;
        }
        int port = Integer.parseInt(text.substring(colon + 1));
        String host = text.substring(0, colon);
        boolean bracketed = host.startsWith("[") && host.endsWith("]") && host.length() > 2;
        boolean plain = !host.contains(":") && !host.contains("[") && !host.isBlank() && !host.contains(" ");
        return port >= 1 && port <= 65535 && (bracketed || plain);
    }
}
