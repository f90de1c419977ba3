package dev.shardgate.qdb;

import dev.shardgate.meta.MetadataException;
import java.util.Arrays;
import java.util.List;

/**
 * A gRPC address of the metadata sync API, as operators write it: {@code host:port}, or SPQR's
 * {@code [host]:port} (which also holds IPv6 hosts).
 */
public record SyncEndpoint(String host, int port) {

    /** @throws MetadataException (22023) naming the text when it is no host:port */
    public static SyncEndpoint parse(String text) {
        String address = text == null ? "" : text.strip();
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw invalid(text);
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
        if (host.isEmpty() || host.contains("[") || host.contains("]") || port < 1 || port > 65535) {
            throw invalid(text);
        }
        return new SyncEndpoint(host, port);
    }

    /** A comma-separated list; blank text is an empty list. */
    public static List<SyncEndpoint> parseList(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return Arrays.stream(text.split(",")).map(SyncEndpoint::parse).toList();
    }

    private static MetadataException invalid(String text) {
        return new MetadataException(MetadataException.INVALID_PARAMETER_VALUE,
                "invalid address \"" + text + "\": expected host:port or [host]:port");
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
