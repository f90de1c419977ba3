/**
 * The operator's HTTP port of a router or coordinator ({@link dev.shardgate.console.http.HttpEndpoints}):
 * Prometheus metrics at /metrics, liveness at /healthz and readiness at /readyz for load balancers, and
 * the live dashboard at /dashboard/ with its JSON at /api/cluster.
 */
package dev.shardgate.console.http;
