/**
 * Statement analysis for routing, on PostgreSQL's own grammar (libpg_query through the FFM API):
 * {@link dev.shardgate.sql.SqlAnalyzer} turns a query string into {@link dev.shardgate.sql.Analysis}
 * — statement kinds, tables, key filters, inserted rows, session settings — and
 * {@link dev.shardgate.sql.Hints} reads SPQR-style routing hints from comments. "No key" is always
 * a safe answer here; a wrong key never is.
 */
package dev.shardgate.sql;
