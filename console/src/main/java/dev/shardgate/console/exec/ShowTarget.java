package dev.shardgate.console.exec;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.DistributionKeyEntry;
import dev.shardgate.meta.RoutingExpression;
import dev.shardgate.meta.HashFunction;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.meta.ReferenceRelation;
import dev.shardgate.meta.Shard;
import dev.shardgate.qdb.Qdb;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What SHOW can list, with SPQR's column names. All values are text; lists inside a value are
 * joined with ", ".
 */
enum ShowTarget {
    SHARDS("shards", "shard_id", "hosts"),
    /** SPQR's: each shard with its options as {@code {db=…,host=…,password=…,user=…}}, the password masked. */
    SHARDS_EXTENDED("shards_extended", "shard", "options"),
    DISTRIBUTIONS("distributions", "distribution_id", "column_types", "default_shard"),
    KEY_RANGES("key_ranges", "key_range_id", "shard_id", "distribution_id", "lower_bound", "locked"),
    /** Each range with the bound where it ends: the next range's lower bound, NULL for the last one. */
    KEY_RANGES_EXTENDED("key_ranges_extended", "key_range_id", "shard_id", "distribution_id", "lower_bound",
            "upper_bound", "locked"),
    RELATIONS("relations", "relation_name", "distribution_id", "distribution_key", "schema_name"),
    REFERENCE_RELATIONS("reference_relations", "table_name", "shards", "schema_name"),
    SEQUENCES("sequences", "sequence_name", "relation_name", "column_name", "next_value"),
    UNIQUE_INDEXES("unique_indexes", "unique_index_id", "relation_name", "columns", "schema_name"),
    CLIENTS("clients", "client_id", "user", "dbname", "client_address", "server_id"),
    POOLS("pools", "shard_id", "dbname", "user", "active", "idle", "waiting", "limit", "host"),
    BACKEND_CONNECTIONS("backend_connections", "backend_connection_id", "shard_id", "hostname", "pid", "user",
            "dbname", "tx_status", "tx_served"),
    STATS("stats", "database", "user", "shard", "route", "total_xact_count", "total_query_count", "total_received",
            "total_sent", "avg_xact_time", "avg_query_time", "p50_xact_time", "p95_xact_time", "p99_xact_time"),
    HOSTS("hosts", "shard", "host", "role", "state", "lag_bytes", "lag_seconds", "connections", "last_check",
            "last_error"),
    PAUSES("pauses", "shard", "reason", "since", "expires"),
    /** SPQR's: the backend rules, with SPQR's connection settings filled from the ones that apply here. */
    USERS("users", "user", "dbname", "connection_limit", "connection_retries", "connection_timeout", "keep_alive",
            "tcp_user_timeout", "pulse_check_interval"),
    /** SPQR's: the hosts' target_session_attrs check results, from the health checks ({@link TsaChecks}). */
    TSA_CACHE("tsa_cache", "tsa", "host", "az", "alive", "match", "reason", "last_check_time"),
    /** SPQR's: mean times of finished key range moves; only the coordinator moves data. */
    MOVE_STATS("move_stats", "statistic", "time"),
    /** SPQR's (PostgreSQL's pg_file_settings): the config file's keys now, and whether they are in force. */
    FILE_SETTINGS("file_settings", "name", "setting", "applied"),
    /** SPQR's: two-phase transactions with a recorded commit decision not yet done on every shard. */
    TWO_PHASE_TX("two_phase_tx", "gid", "status", "shards"),
    /** SPQR's: where two-phase commit decisions are kept; here always the QDB. */
    DCS_STORAGE("dcs_storage", "storage"),
    /** SPQR's header: true where this console's metadata takes no changes (a router fed by a coordinator). */
    IS_READ_ONLY("is_read_only", "is read only"),
    STATUS("status", "status"),
    VERSION("version", "version");

    /** Where commit decisions live: the QDB, shared with the coordinator when there is one (SPQR: local or a shard). */
    static final String TWO_PHASE_STORAGE = "qdb";

    /** Shown for a reference relation copied to every shard, present and future. */
    static final String ALL_SHARDS = "all";

    private final String consoleName;
    private final List<String> columns;

    ShowTarget(String consoleName, String... columns) {
        this.consoleName = consoleName;
        this.columns = List.of(columns);
    }

    String consoleName() {
        return consoleName;
    }

    List<String> columns() {
        return columns;
    }

    static Optional<ShowTarget> named(String name) {
        return Arrays.stream(values()).filter(target -> target.consoleName.equals(name)).findFirst();
    }

    /** {@code shards, distributions, … or version}, for messages. */
    static String names() {
        List<String> names = Arrays.stream(values()).map(ShowTarget::consoleName).toList();
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
    }

    List<List<String>> rows(Metadata metadata, RouterStatus status, Qdb qdb) {
        return switch (this) {
            case SHARDS -> metadata.shards().values().stream().map(ShowTarget::shardRow).toList();
            case SHARDS_EXTENDED -> metadata.shards().values().stream()
                    .map(shard -> row(shard.id(), shardOptions(shard, status))).toList();
            case DISTRIBUTIONS -> metadata.distributions().values().stream().map(ShowTarget::distributionRow).toList();
            case KEY_RANGES -> keyRangeRows(metadata, false);
            case KEY_RANGES_EXTENDED -> keyRangeRows(metadata, true);
            case RELATIONS -> metadata.relations().values().stream().map(ShowTarget::relationRow).toList();
            case REFERENCE_RELATIONS ->
                    metadata.referenceRelations().values().stream().map(ShowTarget::referenceRelationRow).toList();
            case SEQUENCES -> SequenceStatements.rows(metadata, qdb);
            case UNIQUE_INDEXES -> metadata.uniqueIndexes().values().stream()
                    .map(index -> row(index.id(), index.relation().name(), index.columns().stream()
                            .map(c -> c.name() + " " + c.type().consoleName()).collect(Collectors.joining(", ")),
                            index.relation().schema()))
                    .toList();
            case CLIENTS -> status.clients().stream()
                    .map(c -> row(c.clientId(), c.user(), c.database(), c.clientAddress(), c.serverId()))
                    .toList();
            case POOLS -> status.pools().stream()
                    .map(p -> row(p.shardId(), p.database(), p.user(), Integer.toString(p.active()),
                            Integer.toString(p.idle()), Integer.toString(p.waiting()), Integer.toString(p.limit()),
                            p.host()))
                    .toList();
            case BACKEND_CONNECTIONS -> status.backendConnections().stream()
                    .map(b -> row(b.backendConnectionId(), b.shardId(), b.hostname(), Integer.toString(b.pid()),
                            b.user(), b.database(), b.transactionState(), Long.toString(b.transactionsServed())))
                    .toList();
            case STATS -> status.stats().stream()
                    .map(s -> row(s.database(), s.user(), s.shard(), s.route(), Long.toString(s.transactions()),
                            Long.toString(s.statements()), Long.toString(s.receivedBytes()), Long.toString(s.sentBytes()),
                            Long.toString(s.averageTransactionMicros()), Long.toString(s.averageStatementMicros()),
                            Long.toString(s.p50TransactionMicros()), Long.toString(s.p95TransactionMicros()),
                            Long.toString(s.p99TransactionMicros())))
                    .toList();
            case HOSTS -> status.hosts().stream()
                    .map(h -> row(h.shardId(), h.host(), h.role(), h.state(), h.lagBytes(), h.lagSeconds(),
                            Integer.toString(h.connections()), h.lastCheck(), h.lastError()))
                    .toList();
            case PAUSES -> status.pauses().stream().map(p -> row(p.shard(), p.reason(), p.since(), p.expires())).toList();
            case USERS -> status.users().stream()
                    .map(u -> row(u.user(), u.dbname(), Integer.toString(u.connectionLimit()),
                            Integer.toString(u.connectionRetries()), u.connectionTimeout(), u.keepAlive(),
                            u.tcpUserTimeout(), u.pulseCheckInterval()))
                    .toList();
            case TSA_CACHE -> TsaChecks.rows(status.hosts());
            case MOVE_STATS -> status.moveStats().stream().map(m -> row(m.statistic(), m.time())).toList();
            case FILE_SETTINGS -> status.fileSettings().stream()
                    .map(f -> row(f.name(), f.setting(), Boolean.toString(f.applied()))).toList();
            case TWO_PHASE_TX -> status.twoPhaseTransactions().stream()
                    .map(t -> row(t.gid(), t.status(), t.shards())).toList();
            case DCS_STORAGE -> List.of(row(TWO_PHASE_STORAGE));
            case IS_READ_ONLY -> List.of(row(Boolean.toString(isReadOnly(qdb))));
            case STATUS -> List.of(row(status.status()));
            case VERSION -> List.of(row(status.version()));
        };
    }

    private static List<String> shardRow(Shard shard) {
        return row(shard.id(), String.join(", ", shard.hosts()));
    }

    /** SPQR's form: {@code key=value} pairs sorted as text, a key repeated per value ({@code host=a,host=b}). */
    private static String shardOptions(Shard shard, RouterStatus status) {
        List<String> options = new ArrayList<>();
        shard.hosts().forEach(host -> options.add("host=" + host));
        status.shardOptions(shard.id()).forEach((key, value) -> options.add(key + "=" + value));
        options.sort(null);
        return "{" + String.join(",", options) + "}";
    }

    private static List<String> distributionRow(Distribution distribution) {
        String types = distribution.columnTypes().stream().map(ColumnType::consoleName).collect(Collectors.joining(", "));
        return row(distribution.id(), types, distribution.defaultShard().orElse(null));
    }

    /** By distribution, then by lower bound: the order keys are routed in. */
    private static List<List<String>> keyRangeRows(Metadata metadata, boolean withUpperBound) {
        List<List<String>> rows = new ArrayList<>();
        for (String distributionId : metadata.distributions().keySet()) {
            List<KeyRange> ranges = metadata.index(distributionId).ranges();
            for (int i = 0; i < ranges.size(); i++) {
                KeyRange range = ranges.get(i);
                String locked = Boolean.toString(range.locked());
                String lower = range.lowerBound().toString();
                if (withUpperBound) {
                    String upper = i + 1 < ranges.size() ? ranges.get(i + 1).lowerBound().toString() : null;
                    rows.add(row(range.id(), range.shardId(), range.distributionId(), lower, upper, locked));
                } else {
                    rows.add(row(range.id(), range.shardId(), range.distributionId(), lower, locked));
                }
            }
        }
        return rows;
    }

    private static boolean isReadOnly(Qdb qdb) {
        try {
            qdb.checkWritable();
            return false;
        } catch (MetadataException e) {
            return true;
        }
    }

    private static List<String> relationRow(DistributedRelation relation) {
        String key = relation.keyColumns().stream().map(ShowTarget::keyColumn).collect(Collectors.joining(", "));
        return row(relation.name().name(), relation.distributionId(), key, relation.name().schema());
    }

    /** As ATTACH RELATION takes it back: {@code id}, {@code tenant hash murmur}, or {@code murmur [a integer, b varchar]}. */
    private static String keyColumn(DistributionKeyEntry entry) {
        return switch (entry) {
            case DistributionKeyColumn column ->
                    column.hash() == HashFunction.IDENT ? column.column() : column.column() + " hash " + column.hash();
            case RoutingExpression expression -> expression.hash() + " [" + expression.columns().stream()
                    .map(column -> column.column() + " " + column.type()).collect(Collectors.joining(", ")) + "]";
        };
    }

    private static List<String> referenceRelationRow(ReferenceRelation relation) {
        String shards = relation.isOnAllShards() ? ALL_SHARDS : String.join(", ", relation.shardIds());
        return row(relation.name().name(), shards, relation.name().schema());
    }

    /** A row that may hold nulls, which List.of refuses. */
    private static List<String> row(String... values) {
        return Arrays.asList(values);
    }
}
