/**
 * What the router learns from a shard's own catalog about names its metadata does not know: views
 * (and materialized views), whose definitions may read distributed relations, and functions, whose
 * bodies may. {@link dev.shardgate.router.catalog.SeeThrough} decides from that whether a statement
 * over them is a statement over distributed relations, or must be refused; {@link
 * dev.shardgate.router.catalog.CatalogCache} keeps the answers for a few seconds, per router.
 */
package dev.shardgate.router.catalog;
