package dev.shardgate.sql;

/** The lexical kind of a constant. Integers too large for bigint are still INTEGER. */
public enum LiteralKind {
    INTEGER, STRING, FLOAT, NULL, BOOLEAN
}
