package dev.shardgate.it.differential;

import java.util.List;

/** What one server (the router or the oracle) answered to one statement. */
sealed interface Answer {

    /** A result set: the type name of each column, then the rows as pgjdbc's getString gives them. */
    record Rows(List<String> types, List<List<String>> rows) implements Answer {
        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("columns ").append(types).append(", ").append(rows.size()).append(" rows");
            int shown = 0;
            for (List<String> row : rows) {
                if (shown++ == 12) {
                    text.append("\n      …");
                    break;
                }
                text.append("\n      ").append(row);
            }
            return text.toString();
        }
    }

    /** A statement without result set: its update count (0 for utility statements). */
    record Count(long count) implements Answer {
        @Override
        public String toString() {
            return "count " + count;
        }
    }

    /** An ErrorResponse (or a broken connection: SQLSTATE class 08). */
    record Failure(String sqlState, String message) implements Answer {
        boolean isRefusal() {
            return "0A000".equals(sqlState);
        }

        String sqlStateClass() {
            return sqlState == null || sqlState.length() < 2 ? "??" : sqlState.substring(0, 2);
        }

        @Override
        public String toString() {
            return "ERROR " + sqlState + ": " + message;
        }
    }
}
