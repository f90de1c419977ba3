/**
 * Running console statements: {@link dev.shardgate.console.exec.ConsoleExecutor} turns a query's
 * statements into one QDB batch and answers SHOWs from metadata and from the
 * {@link dev.shardgate.console.exec.RouterStatus} the serving process provides.
 */
package dev.shardgate.console.exec;
