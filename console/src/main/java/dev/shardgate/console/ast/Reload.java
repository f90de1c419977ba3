package dev.shardgate.console.ast;

/**
 * {@code RELOAD}: the router or coordinator re-reads its configuration file and applies what can
 * change while it runs (as PgBouncer's RELOAD); answered by the process, not from metadata.
 */
public record Reload() implements ConsoleStatement {
}
