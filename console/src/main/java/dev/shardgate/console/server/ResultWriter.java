package dev.shardgate.console.server;

import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.RowDescription;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Console results as protocol messages. */
final class ResultWriter {
    private ResultWriter() {
    }

    /** A simple Query's answer to one statement: RowDescription and DataRows when it has rows, then CommandComplete. */
    static void write(ConsoleResult result, PgWriter out) throws IOException {
        switch (result) {
            case ConsoleResult.Rows rows -> {
                out.write(description(rows.columns(), new short[0]));
                for (List<String> row : rows.rows()) {
                    out.write(dataRow(row));
                }
                out.write(new CommandComplete(rows.tag()));
            }
            case ConsoleResult.Done done -> out.write(new CommandComplete(done.tag()));
        }
    }

    /**
     * Every column is of type text. A client asking for binary results gets the same bytes, which is
     * what text's binary format is, so the requested format is reported as given.
     *
     * @param formats as in Bind: none (all text), one for all columns, or one per column
     */
    static RowDescription description(List<String> columns, short[] formats) {
        List<RowDescription.Field> fields = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            short format = switch (formats.length) {
                case 0 -> 0;
                case 1 -> formats[0];
                default -> formats[i];
            };
            fields.add(new RowDescription.Field(columns.get(i), 0, (short) 0, RowDescription.Field.TEXT_OID,
                    (short) -1, -1, format));
        }
        return new RowDescription(fields);
    }

    static DataRow dataRow(List<String> row) {
        return DataRow.text(row.toArray(String[]::new));
    }
}
