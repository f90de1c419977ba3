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
 * A session's questions to the catalog of the first shard that answers, each on a backend borrowed from the
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

    @Override
    public List<String> columns(TableRef table) {
        return onBackend(backend -> CatalogQueries.columns(backend, table));
    }

    private <T> T onBackend(Function<dev.shardgate.router.backend.BackendConnection, T> query) {
        // every shard has the same schema: the first that answers will do
        PgException unreachable = null;
        for (String shard : shards()) {
            BackendLink link;
            try {
                link = MultiShardStatements.borrow(session, shard);
            } catch (IOException e) {
                unreachable = new PgException(SqlState.CONNECTION_FAILURE, "shard \"" + shard
                        + "\" could not be asked about views and functions: " + e.getMessage());
                continue;
            } catch (PgException e) {
                if (!e.sqlState().code().startsWith("08")) {
                    throw e;
                }
                unreachable = e;
                continue;
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
        throw unreachable != null ? unreachable
                : new PgException(SqlState.CONNECTION_FAILURE, "no shard to ask about views and functions");
    }

    /** The first shard, then the others. */
    private java.util.List<String> shards() {
        String first = session.context().anyShard();
        java.util.List<String> order = new java.util.ArrayList<>();
        order.add(first);
        for (String shard : session.context().metadata().shards().keySet()) {
            if (!shard.equals(first)) {
                order.add(shard);
            }
        }
        return order;
    }
}
