package dev.shardgate.bench.wire;

import dev.shardgate.wire.Bind;
import dev.shardgate.wire.ByteSink;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.Encoder;
import dev.shardgate.wire.RowDescription;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The messages a pgbench transaction on pgbench_accounts puts on the wire: the Bind of the
 * TPC-B-like UPDATE (delta, aid as text, like libpq sends them), one row of pgbench_accounts and its
 * RowDescription, with the column types PostgreSQL reports for that table.
 */
public final class PgbenchMessages {
    private static final int INT4_OID = 23;
    private static final int BPCHAR_OID = 1042;
    private static final int ACCOUNTS_TABLE_OID = 16_397;

    private PgbenchMessages() {
    }

    public static Bind bind() {
        return new Bind("", "P0_2", new short[0],
                new byte[][] {text("-4711"), text("424242")}, new short[0]);
    }

    public static DataRow accountRow() {
        return DataRow.text("424242", "5", "-4711", " ".repeat(84));
    }

    public static RowDescription accountColumns() {
        return new RowDescription(List.of(
                new RowDescription.Field("aid", ACCOUNTS_TABLE_OID, (short) 1, INT4_OID, (short) 4, -1, (short) 0),
                new RowDescription.Field("bid", ACCOUNTS_TABLE_OID, (short) 2, INT4_OID, (short) 4, -1, (short) 0),
                new RowDescription.Field("abalance", ACCOUNTS_TABLE_OID, (short) 3, INT4_OID, (short) 4, -1, (short) 0),
                // char(84): the modifier is the length plus the 4-byte varlena header
                new RowDescription.Field("filler", ACCOUNTS_TABLE_OID, (short) 4, BPCHAR_OID, (short) -1, 88, (short) 0)));
    }

    /** The whole message as sent: type byte, length word, payload. */
    public static byte[] wireBytes(Bind message) {
        ByteSink sink = new ByteSink();
        Encoder.encode(message, sink);
        return sink.toByteArray();
    }

    public static byte[] wireBytes(DataRow message) {
        ByteSink sink = new ByteSink();
        Encoder.encode(message, sink);
        return sink.toByteArray();
    }

    public static byte[] wireBytes(RowDescription message) {
        ByteSink sink = new ByteSink();
        Encoder.encode(message, sink);
        return sink.toByteArray();
    }

    private static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
