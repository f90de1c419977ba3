package dev.shardgate.router.session;

import dev.shardgate.router.catalog.Catalog;
import dev.shardgate.router.catalog.CatalogQueries;
import dev.shardgate.router.catalog.FunctionInfo;
import dev.shardgate.router.catalog.RelationInfo;
import dev.shardgate.sql.FunctionRef;
import dev.shardgate.sql.TableRef;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A session's questions to the catalog of the first shard, each on a backend borrowed from the
 * session's pool for it (with the client's settings, search_path among them) and given back at
 * once, so it works alike under session and transaction pooling. The session's own backend is never
 * used: its answers may still be on their way to the client.
 */
final class ShardCatalog implements Catalog {
    private final ClientSession session;

    ShardCatalog(ClientSession session) {
        this.session = session;
    }

    @Override
    public Optional<RelationInfo> relation(TableRef table) {
        return onBackend(backend -> CatalogQueries.relation(backend, table));
    }

    @Override
    public List<FunctionInfo> functions(FunctionRef function) {
        return onBackend(backend -> CatalogQueries.functions(backend, function));
    }

    private <T> T onBackend(Function<dev.shardgate.router.backend.BackendConnection, T> query) {
        BackendLink link;
        try {
            link = MultiShardStatements.borrow(session, session.context().anyShard());
        } catch (IOException e) {
            throw new PgException(SqlState.CONNECTION_FAILURE, "lost connection while looking up the catalog: " + e.getMessage());
        }
        boolean clean = false;
        try {
            T answer = query.apply(link.backend);
            clean = true;
            return answer;
        } finally {
            Relay.giveBack(session, link, clean || !link.backend.isBroken());
        }
    }
}
