package dev.shardgate.console.server;

import dev.shardgate.console.exec.BackendInfo;
import dev.shardgate.console.exec.ClientInfo;
import dev.shardgate.console.exec.PoolInfo;
import dev.shardgate.console.exec.RouterStatus;
import java.util.List;

/** A router with two clients, one pool, one host and one backend connection, for SHOW clients and friends. */
record StatusFixture() implements RouterStatus {
    @Override
    public List<ClientInfo> clients() {
        return List.of(
                new ClientInfo("c1", "app", "shop", "10.0.0.5:50312", "b1"),
                new ClientInfo("c2", "report", "shop", "10.0.0.6:50988", null));
    }

    @Override
    public List<PoolInfo> pools() {
        return List.of(new PoolInfo("sh1", "shop", "app", 1, 3, 0, 10, "localhost:5432"));
    }

    @Override
    public List<BackendInfo> backendConnections() {
        return List.of(new BackendInfo("b1", "sh1", "pg1:5432", 4711, "app", "shop", "in transaction", 42));
    }

    @Override
    public List<dev.shardgate.console.exec.HostInfo> hosts() {
        return List.of(new dev.shardgate.console.exec.HostInfo("sh1", "pg1:5432", "primary", "up", "0", "0.000", 1,
                "2026-12-07T00:00:00Z", null));
    }

    @Override
    public String version() {
        return "Shardgate 0.1.0-test";
    }

    @Override
    public String status() {
        return "OPEN";
    }
}
