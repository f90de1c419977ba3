package dev.shardgate.it.routing;

import dev.shardgate.it.harness.RealPostgres;

/** pgbench over two shards of 50000 accounts. */
@RealPostgres(servers = 2)
class PgbenchTwoShardRoutingTest extends PgbenchRoutingScenario {
}
