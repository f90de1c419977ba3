/** Shardgate coordinator module. */
package dev.shardgate.coordinator;
