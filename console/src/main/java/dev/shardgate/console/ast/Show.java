package dev.shardgate.console.ast;

import java.util.Optional;

/**
 * {@code SHOW what [WHERE …]}.
 *
 * @param what the case-folded name of what to list ({@code shards}, {@code key_ranges}, …); not
 *             checked by the parser
 */
public record Show(String what, Optional<WhereClause> where) implements ConsoleStatement {
}
