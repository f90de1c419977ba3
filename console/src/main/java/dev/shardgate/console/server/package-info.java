/**
 * The console over the PostgreSQL protocol ({@link dev.shardgate.console.server.ConsoleServer}):
 * startup and password authentication, simple and extended queries, so that psql and drivers work.
 */
package dev.shardgate.console.server;
