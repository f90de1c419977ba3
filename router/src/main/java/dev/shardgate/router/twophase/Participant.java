package dev.shardgate.router.twophase;

import dev.shardgate.router.backend.BackendConnection;

/** One shard of a transaction and the backend connection its part runs on. */
public record Participant(String shard, BackendConnection backend) {
}
