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

    /** The shard's error with its message prefixed by the shard's name, all other fields as the shard sent them. */
    ErrorResponse namedResponse() {
        java.util.Map<Byte, String> fields = new java.util.LinkedHashMap<>(response.fields());
        fields.put(dev.shardgate.wire.ErrorFields.MESSAGE, getMessage());
        return new ErrorResponse(fields);
    }
}
