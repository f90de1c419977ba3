package dev.shardgate.it.routing;

import dev.shardgate.it.harness.RealPostgres;

/** The statement forms with four shards: ranges from 0, 1000, 2000 and 3000. */
@RealPostgres(servers = 4)
class FourShardStatementRoutingTest extends StatementRoutingScenario {
}
