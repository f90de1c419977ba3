package dev.shardgate.router.scatter;

import dev.shardgate.wire.ErrorResponse;

/** A shard answered with an error: the client gets that ErrorResponse as it is. */
final class ShardError extends RuntimeException {
    private final transient ErrorResponse response;

    ShardError(String shard, ErrorResponse response) {
        super("shard \"" + shard + "\": " + response.message(), null, false, false);
        this.response = response;
    }

    ErrorResponse response() {
        return response;
    }
}
