package dev.shardgate.it.router;

import dev.shardgate.cli.postgres.AuthMethod;
import dev.shardgate.it.harness.RealPostgres;

/** Shards checking md5-hashed passwords with md5; the router answers with the backend rule's password. */
@RealPostgres(servers = 1, auth = AuthMethod.MD5)
class Md5ShardTest extends ShardAuthentication {
}
