package dev.shardgate.router.scatter;

import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.PortalSuspended;
import dev.shardgate.wire.PgWriter;

import java.io.IOException;
import java.util.List;

/**
 * The rest of a multi-shard portal an Execute with a row limit suspended (pgjdbc's setFetchSize in a
 * transaction): the merged rows not sent yet, held by the router, and how its command tag reads.
 * Each later Execute of the portal sends at most its row limit of them, then PortalSuspended, or
 * CommandComplete once none is left; as in PostgreSQL, an Execute that returns exactly the last
 * rows still suspends, and the next one completes with none (the tag counts that Execute's rows).
 */
public final class SuspendedPortal {
    private final List<byte[][]> rows;
    private final String tagPrefix;
    private int next;

    /**
     * @param rows the rows left, in order
     * @param tagPrefix the command tag without its row count ("SELECT ", "INSERT 0 ")
     */
    SuspendedPortal(List<byte[][]> rows, String tagPrefix) {
        this.rows = rows;
        this.tagPrefix = tagPrefix;
    }

    /**
     * Sends the next rows for an Execute.
     *
     * @param maxRows the Execute's row limit, 0 for all
     * @return true when the portal completed (CommandComplete sent), false when suspended again
     */
    public boolean resume(PgWriter client, int maxRows) throws IOException {
        int sent = 0;
        while (next < rows.size() && (maxRows <= 0 || sent < maxRows)) {
            client.write(new DataRow(rows.get(next)));
            rows.set(next++, null); // sent: the memory can go
            sent++;
        }
        if (maxRows > 0 && sent == maxRows) {
            client.write(PortalSuspended.INSTANCE);
            return false;
        }
        client.write(new CommandComplete(tagPrefix + sent));
        return true;
    }
}
