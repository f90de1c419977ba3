/** Shardgate wire module. */
package dev.shardgate.wire;
