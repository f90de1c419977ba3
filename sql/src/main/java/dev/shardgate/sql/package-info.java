/** Shardgate sql module. */
package dev.shardgate.sql;
