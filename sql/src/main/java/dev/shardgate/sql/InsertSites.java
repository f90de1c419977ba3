package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * The INSERTs of a query string and the highest bind parameter it uses, read so that columns can
 * be added to its VALUES inserts: {@link #withColumns} gives the text a server then runs.
 */
public final class InsertSites {
    private final SourceText text;
    private final List<InsertSite> inserts;
    private final int highestParameter;
    private final boolean read;

    InsertSites(SourceText text, List<InsertSite> inserts, int highestParameter, boolean read) {
        this.text = text;
        this.inserts = List.copyOf(inserts);
        this.highestParameter = highestParameter;
        this.read = read;
    }

    /** A text that could not be read: it does not parse, or is too long or too deeply nested to analyse. */
    static InsertSites unread(String sql) {
        return new InsertSites(new SourceText(sql.getBytes(java.nio.charset.StandardCharsets.UTF_8)), List.of(), 0, false);
    }

    /** False when the text could not be read, so that its INSERTs are unknown rather than absent. */
    public boolean isRead() {
        return read;
    }

    /** In the order they appear, nested ones included. */
    public List<InsertSite> inserts() {
        return inserts;
    }

    /** The highest {@code $n} the text uses; 0 when it uses none. */
    public int highestParameter() {
        return highestParameter;
    }

    /**
     * Columns added to VALUES inserts.
     *
     * @param columns   the column names, quoted in the text as given
     * @param rowValues for each row of the insert, in VALUES order, one SQL expression per column
     *                  ({@code 17}, {@code $4})
     */
    public record Addition(InsertSite.Values insert, List<String> columns, List<List<String>> rowValues) {
        public Addition {
            columns = List.copyOf(columns);
            rowValues = rowValues.stream().map(List::copyOf).toList();
            if (rowValues.size() != insert.rowEnds().size()) {
                throw new IllegalArgumentException(rowValues.size() + " rows of values for an insert of "
                        + insert.rowEnds().size() + " rows");
            }
            for (List<String> row : rowValues) {
                if (row.size() != columns.size()) {
                    throw new IllegalArgumentException(row.size() + " values for " + columns.size() + " columns");
                }
            }
        }
    }

    /** The query text with the columns appended to each insert's column list and their values to each of its rows. */
    public String withColumns(List<Addition> additions) {
        List<SourceText.Edit> edits = new ArrayList<>();
        for (Addition addition : additions) {
            StringBuilder names = new StringBuilder();
            for (String column : addition.columns()) {
                names.append(", ").append(Identifiers.quoted(column));
            }
            int listEnd = addition.insert().columnListEnd();
            edits.add(new SourceText.Edit(listEnd, listEnd, names.toString()));
            for (int row = 0; row < addition.rowValues().size(); row++) {
                int rowEnd = addition.insert().rowEnds().get(row);
                edits.add(new SourceText.Edit(rowEnd, rowEnd, ", " + String.join(", ", addition.rowValues().get(row))));
            }
        }
        return text.edited(edits);
    }

}
