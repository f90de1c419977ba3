package dev.shardgate.it.routing;

import dev.shardgate.it.harness.RealPostgres;

/** The statement forms with two shards: keys 0..999 on sh1, 1000.. on sh2. */
@RealPostgres(servers = 2)
class TwoShardStatementRoutingTest extends StatementRoutingScenario {
}
