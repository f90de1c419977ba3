package dev.shardgate.router.backend;

/** A shard's host as written in the config, "host:port". */
public record BackendAddress(String shard, String host, int port) {
    public static BackendAddress parse(String shard, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            return new BackendAddress(shard, hostPort.isEmpty() ? "localhost" : hostPort, 5432);
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new BackendAddress(shard, host, Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public String toString() {
        return shard + "(" + host + ":" + port + ")";
    }
}
