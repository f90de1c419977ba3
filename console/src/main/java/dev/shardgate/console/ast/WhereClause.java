package dev.shardgate.console.ast;

/** A filter on the rows of a {@link Show}: comparisons of a column with a literal, under AND and OR. */
public sealed interface WhereClause {

    /**
     * @param value the literal's text, unescaped; SHOW rows are text, so numbers compare as text too
     */
    record Comparison(String column, ComparisonOperator operator, String value) implements WhereClause {
    }

    record And(WhereClause left, WhereClause right) implements WhereClause {
    }

    record Or(WhereClause left, WhereClause right) implements WhereClause {
    }

    enum ComparisonOperator { EQUALS, NOT_EQUALS }
}
