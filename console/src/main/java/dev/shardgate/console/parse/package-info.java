/**
 * Text to {@link dev.shardgate.console.ast.ConsoleStatement}s: the ANTLR grammar
 * {@code ConsoleSyntax.g4} (under src/main/antlr4) and the tree-to-record builder.
 */
package dev.shardgate.console.parse;
