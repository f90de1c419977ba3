/** Shardgate qdb module. */
package dev.shardgate.qdb;
