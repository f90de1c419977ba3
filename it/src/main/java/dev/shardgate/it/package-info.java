/** Shardgate it module. */
package dev.shardgate.it;
