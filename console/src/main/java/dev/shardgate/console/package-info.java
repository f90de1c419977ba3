/** Shardgate console module. */
package dev.shardgate.console;
