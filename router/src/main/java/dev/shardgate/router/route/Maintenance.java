package dev.shardgate.router.route;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.StatementKind;
import dev.shardgate.sql.TableRef;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * VACUUM and ANALYZE of a distributed relation, or of the whole database: each shard holds part of
 * the rows, so each shard vacuums and analyses its part, as SPQR does. Of other relations they go
 * the usual way.
 */
final class Maintenance {
    private static final Pattern VACUUM_OR_ANALYZE = Pattern.compile("(?is)^\\s*(vacuum|analy[sz]e)\\b.*");

    private Maintenance() {
    }

    /** {@link Route.EveryShard} for such a statement; null for any other. */
    static Route route(Metadata metadata, Statement statement) {
        if (statement.kind() != StatementKind.OTHER || metadata.shards().isEmpty()
                || !VACUUM_OR_ANALYZE.matcher(statement.text()).matches()) {
            return null;
        }
        if (statement.tables().isEmpty()) {
            return new Route.EveryShard(new TreeSet<>(metadata.shards().keySet()), "VACUUM or ANALYZE of the database → every shard");
        }
        List<String> distributed = new ArrayList<>();
        for (TableRef table : statement.tables()) {
            QualifiedName name = new QualifiedName(table.schema(), table.name());
            if (metadata.relation(name).isPresent()) {
                distributed.add(name.toString());
            }
        }
        return distributed.isEmpty() ? null : new Route.EveryShard(new TreeSet<>(metadata.shards().keySet()),
                "VACUUM or ANALYZE of distributed relation " + String.join(", ", distributed) + " → every shard");
    }
}
