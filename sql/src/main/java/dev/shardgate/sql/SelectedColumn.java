package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A select-list entry of a one-SELECT query (a view's definition) that is a plain column reference:
 * the name it has in the output and the column it shows. A key column a view passes through under
 * some name routes a query of the view by key.
 *
 * @param qualifier the table or alias written before the column, or null
 */
public record SelectedColumn(String outputName, String qualifier, String column) {

    /** The plain column entries of the top-level select list; null when the text is not one plain SELECT. */
    static List<SelectedColumn> read(Object tree) {
        if (!(tree instanceof Map<?, ?> root) || !(root.get("stmts") instanceof List<?> raws) || raws.size() != 1
                || !(raws.getFirst() instanceof Map<?, ?> entry)) {
            return null;
        }
        Node select = Node.of(entry.get("stmt"));
        if (select == null || !select.is("SelectStmt") || (select.string("op") != null && !"SETOP_NONE".equals(select.string("op")))) {
            return null;
        }
        List<SelectedColumn> columns = new ArrayList<>();
        for (Node target : select.nodes("targetList")) {
            Node value = target.node("val");
            List<String> names = value != null && value.is("ColumnRef") ? value.names("fields") : null;
            if (names == null || names.isEmpty() || names.size() > 3) {
                continue; // an expression, or * (whose columns the catalog knows, not the text)
            }
            String alias = target.string("name");
            String column = names.getLast();
            columns.add(new SelectedColumn(alias != null ? alias : column, names.size() >= 2 ? names.get(names.size() - 2) : null, column));
        }
        return columns;
    }
}
