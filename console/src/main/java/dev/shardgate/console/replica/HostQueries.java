package dev.shardgate.console.replica;

import dev.shardgate.wire.PgException;
import java.time.Duration;
import java.util.List;

/** Runs one statement on one host of a shard, directly: not through a pool, not routed. */
public interface HostQueries {

    /**
     * Connects to {@code host}, runs {@code sql} as a simple query and disconnects.
     *
     * @param timeout for connecting and answering together; the call returns or throws within it
     * @return the rows of the last result, values as text (null for SQL NULL)
     * @throws PgException 08001/08006 naming shard and host when the host cannot be reached or stops
     *         answering in time; the server's own SQLSTATE and message when it refuses the statement
     */
    List<List<String>> query(String shard, String host, String sql, Duration timeout);
}
