/**
 * Shardgate's admin console: SPQR's console language parsed into records ({@code parse},
 * {@code ast}), run against the QDB ({@code exec}) and served over the PostgreSQL protocol
 * ({@code server}).
 */
package dev.shardgate.console;
