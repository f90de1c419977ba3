package dev.shardgate.console.ast;

/** One entry of a distribution key as written: a column, or a routing expression over several columns. */
public sealed interface KeyEntry permits DistributionKeyColumn, RoutingExpression {
}
