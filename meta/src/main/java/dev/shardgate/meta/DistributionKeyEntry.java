package dev.shardgate.meta;

import java.util.List;

/**
 * One entry of a relation's distribution key, matched to the distribution's column type at its
 * position: a column of the relation ({@link DistributionKeyColumn}) or SPQR's routing expression,
 * a hash over several columns ({@link RoutingExpression}).
 */
public sealed interface DistributionKeyEntry permits DistributionKeyColumn, RoutingExpression {

    HashFunction hash();

    /** The relation's columns whose values make this entry's key value, in order. */
    List<String> valueColumns();
}
