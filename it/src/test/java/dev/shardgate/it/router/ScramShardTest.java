package dev.shardgate.it.router;

import dev.shardgate.cli.postgres.AuthMethod;
import dev.shardgate.it.harness.RealPostgres;

/** Shards checking passwords with scram-sha-256; the router answers with the backend rule's password. */
@RealPostgres(servers = 1, auth = AuthMethod.SCRAM)
class ScramShardTest extends ShardAuthentication {
}
