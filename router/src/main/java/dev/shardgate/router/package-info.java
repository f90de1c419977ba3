/** Shardgate router module. */
package dev.shardgate.router;
