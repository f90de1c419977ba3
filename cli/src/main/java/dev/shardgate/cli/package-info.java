/** Shardgate cli module. */
package dev.shardgate.cli;
