package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * The FROM items of one query level, with a link to the levels around it whose columns a
 * correlated subquery can see. Resolves column references the way PostgreSQL does as far as that
 * is possible without the catalog, and gives up (null) where it is not.
 */
final class Scope {
    /** A FROM item: a table use, or a CTE, subquery or function, which has no table. */
    static final class Item {
        final String name;
        final String schema;
        final TableUse table;

        /**
         * @param name the name the item is referred to by: its alias, else the relation's name
         * @param schema the schema written for an unaliased table, else null
         * @param table the table use, null for items that are not tables
         */
        Item(String name, String schema, TableUse table) {
            this.name = name;
            this.schema = schema;
            this.table = table;
        }
    }

    /** A column as resolved within one conjunction; {@code item} is null for an unqualified column whose item is unknown. */
    record Column(Item item, String name) {}

    private final Scope outer;
    private final List<Item> items = new ArrayList<>();

    Scope(Scope outer) {
        this.outer = outer;
    }

    void add(Item item) {
        items.add(item);
    }

    int size() {
        return items.size();
    }

    List<Item> items(int from, int to) {
        return items.subList(from, to);
    }

    boolean owns(Item item) {
        for (Item own : items) {
            if (own == item) {
                return true;
            }
        }
        return false;
    }

    /**
     * Resolves a column reference's name parts ({@code col}, {@code t.col}, {@code s.t.col}).
     * An unqualified column belongs to the only item of a query level that has no outer levels
     * with items; otherwise it is only known by name, which is still the same column everywhere in
     * one level. Returns null for qualified references that match nothing or several items.
     */
    Column resolve(List<String> parts) {
        return switch (parts.size()) {
            case 1 -> new Column(items.size() == 1 && !outerHasItems() ? items.getFirst() : null, parts.getFirst());
            case 2 -> qualified(null, parts.get(0), parts.get(1));
            case 3 -> qualified(parts.get(0), parts.get(1), parts.get(2));
            default -> null;
        };
    }

    private Column qualified(String schema, String name, String column) {
        for (Scope level = this; level != null; level = level.outer) {
            Item found = null;
            int matches = 0;
            for (Item item : level.items) {
                if (item.name.equals(name) && (schema == null || schema.equals(item.schema))) {
                    found = item;
                    matches++;
                }
            }
            if (matches == 1) {
                return new Column(found, column);
            }
            if (matches > 1) {
                return null;
            }
        }
        return null;
    }

    private boolean outerHasItems() {
        for (Scope level = outer; level != null; level = level.outer) {
            if (!level.items.isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
