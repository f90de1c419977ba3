package dev.shardgate.router.route;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every virtual parameter SPQR documents (docs/routing/hints.mdx and its session parameter list),
 * with what SHOW answers before a SET and whether it changes anything here. A script written for
 * SPQR may SET, RESET and SHOW any of them; an unknown {@code __spqr__} name stays an error.
 */
public final class VirtualParameters {
    /** What values a parameter takes: booleans are checked and kept as {@code on} / {@code off}. */
    public enum Kind { BOOLEAN, TEXT }

    /**
     * @param defaultValue what SHOW answers when the session set nothing
     * @param honoured false: accepted for SPQR's scripts, without effect here (docs/spqr-migration.md says why)
     */
    public record Parameter(String name, Kind kind, String defaultValue, boolean honoured) {
    }

    public static final String SCATTER_QUERY = "__spqr__scatter_query";
    public static final String REPLY_NOTICE = "__spqr__reply_notice";
    /** On here by default (SPQR's is off): the rows move within one transaction, see docs/correctness.md. */
    public static final String ALLOW_SPLIT_UPDATE = "__spqr__allow_split_update";

    private static final Map<String, Parameter> ALL = new LinkedHashMap<>();

    static {
        // honoured: they route, commit or report
        text(RoutingHints.SHARDING_KEY, "", true);
        text(RoutingHints.DISTRIBUTION, "", true);
        text(RoutingHints.EXECUTE_ON, "", true);
        text(RoutingHints.DEFAULT_ROUTE_BEHAVIOUR, "", true);
        text(RoutingHints.COMMIT_STRATEGY, "", true);
        text(RoutingHints.TARGET_SESSION_ATTRS, "", true);
        bool(RoutingHints.READ_YOUR_WRITES, "off", true);
        bool(SCATTER_QUERY, "off", true);
        bool(REPLY_NOTICE, "off", true);
        bool(ALLOW_SPLIT_UPDATE, "on", true);
        // accepted: this router has one engine, and decides these by its own metadata and rules
        bool("__spqr__engine_v2", "on", false);
        text("__spqr__preferred_engine", "v2", false);
        text("__spqr__auto_distribution", "", false);
        text("__spqr__distribution_key", "", false);
        text("__spqr__distributed_relation", "", false);
        bool("__spqr__allow_postprocessing", "on", false);
        bool("__spqr__maintain_params", "off", false);
        text("__spqr__execute_host_filter", "", false);
        text("__spqr__advisory_lock_behaviour", "", false);
        text("__spqr__notice_message_format", "", false);
        bool("__spqr__linearize_dispatch", "off", false);
        bool("__spqr__allow_autoprotect_2pc", "off", false);
        bool("__spqr__flux_access", "off", false);
        bool("__spqr__session_connections_pin", "off", false);
        bool("__spqr__eager_cleanup_2pc", "off", false);
    }

    private VirtualParameters() {
    }

    private static void text(String name, String defaultValue, boolean honoured) {
        ALL.put(name, new Parameter(name, Kind.TEXT, defaultValue, honoured));
    }

    private static void bool(String name, String defaultValue, boolean honoured) {
        ALL.put(name, new Parameter(name, Kind.BOOLEAN, defaultValue, honoured));
    }

    /** The parameter of a lower-case name. */
    public static Optional<Parameter> of(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    /** All of them, in the order the migration page lists them. */
    public static Iterable<Parameter> all() {
        return ALL.values();
    }

    /**
     * A boolean as SPQR reads one ({@code ok} too) or as PostgreSQL does (on/off, true/false,
     * yes/no, 1/0); anything else is 22023 naming the parameter.
     */
    public static boolean parseBoolean(String name, String value) {
        return value.strip().equalsIgnoreCase("ok") || RoutingHints.parseOnOff(name, value);
    }
}
