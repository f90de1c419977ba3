/**
 * What the router counts for Prometheus ({@code /metrics}) and the console's {@code SHOW stats}:
 * {@link dev.shardgate.router.metrics.RouterMetrics} holds the metric families, one
 * {@link dev.shardgate.router.metrics.SessionMetrics} per client session records its statements and
 * transactions with label children resolved once and cached, and everything that already has a count
 * (pools, clients, metadata) is read only when scraped.
 */
package dev.shardgate.router.metrics;
