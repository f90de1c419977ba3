/**
 * Real PostgreSQL servers on this machine for {@code shardgate demo} and the integration tests:
 * finding the binaries, initdb, start, stop, crash, and cleaning up the directories afterwards.
 */
package dev.shardgate.cli.postgres;
