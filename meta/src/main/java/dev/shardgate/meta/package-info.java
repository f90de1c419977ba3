/** Shardgate meta module. */
package dev.shardgate.meta;
