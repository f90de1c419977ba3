package dev.shardgate.it.routing;

import dev.shardgate.it.harness.RealPostgres;

/** pgbench over four shards of 25000 accounts. */
@RealPostgres(servers = 4)
class PgbenchFourShardRoutingTest extends PgbenchRoutingScenario {
}
