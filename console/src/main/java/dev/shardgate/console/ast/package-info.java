/** The console statements as records: what the parser produces and the executor consumes. */
package dev.shardgate.console.ast;
