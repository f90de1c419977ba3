package dev.shardgate.router.session;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.BackendQueries;
import dev.shardgate.wire.ClientEncoding;
import dev.shardgate.wire.PgException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run-time parameters a client expects its session to have (from its startup packet and from the
 * ParameterStatus its own SETs produced). In TRANSACTION pool mode clients share server sessions, so
 * before a client uses a backend the differences are replayed on it with SET / RESET.
 */
public final class SessionSettings {
    private static final Logger log = LoggerFactory.getLogger(SessionSettings.class);
    /** Startup keys that are not run-time parameters, and parameters a client cannot set. */
    private static final Set<String> NOT_SETTABLE = Set.of("user", "database", "replication", "options",
            "server_version", "server_encoding", "integer_datetimes", "is_superuser", "session_authorization",
            "in_hot_standby", "standard_conforming_strings_readonly");
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    /** Parameters PostgreSQL reports with ParameterStatus (GUC_REPORT), lower-case. */
    private static final Set<String> REPORTED = Set.of("application_name", "client_encoding", "datestyle",
            "intervalstyle", "timezone", "standard_conforming_strings", "default_transaction_read_only",
            "in_hot_standby", "integer_datetimes", "is_superuser", "server_encoding", "server_version",
            "session_authorization");

    private final Map<String, String> desired = new HashMap<>();
    /**
     * The client_encoding in force, in which the router reads the client's statements and COPY keys and
     * writes the statements it makes for it: what the client asked for, else the backends' UTF8.
     */
    private volatile ClientEncoding clientEncoding = ClientEncoding.UTF8;
    /** The session defaults: what RESET returns to. */
    private Map<String, String> startup = Map.of();

    public static SessionSettings fromStartup(Map<String, String> startupParameters) {
        SessionSettings settings = new SessionSettings();
        startupParameters.forEach(settings::offer);
        String options = startupParameters.get("options");
        if (options != null) {
            settings.offerCommandLineOptions(options);
        }
        settings.startup = Map.copyOf(settings.desired); // immutable: compact, never changed
        settings.encodingMayHaveChanged();
        return settings;
    }

    /** What the client asked for so far (lower-case names), as an immutable map: equal maps log in to equal greetings. */
    public synchronized Map<String, String> snapshot() {
        return Map.copyOf(desired);
    }

    /** Back to what {@link #snapshot} returned: the SETs of a rolled-back transaction or savepoint are undone. */
    public synchronized void restore(Map<String, String> snapshot) {
        desired.clear();
        desired.putAll(snapshot);
    }

    /** A SET of this parameter makes the server send ParameterStatus. */
    public static boolean isReported(String name) {
        return REPORTED.contains(name.toLowerCase(Locale.ROOT));
    }

    /** Read without a lock on every statement: see the field. */
    public ClientEncoding clientEncoding() {
        return clientEncoding;
    }

    /** The shards' server_encoding, as PostgreSQL names it in its conversion errors (UTF8 until known). */
    public synchronized String serverEncoding() {
        Map.Entry<String, String> known = serverDefaults.get("server_encoding");
        return known == null ? "UTF8" : known.getValue();
    }

    /**
     * A SQL_ASCII client's bytes go unconverted, and PostgreSQL checks them as text of the server's
     * encoding (pg_any_to_server): the router reads them so too; in SQL_ASCII databases they are opaque.
     */
    private void encodingMayHaveChanged() {
        Map.Entry<String, String> server = serverDefaults.get("server_encoding");
        ClientEncoding now = ClientEncoding.ofSession(desired.get("client_encoding"),
                server == null ? null : server.getValue());
        if (!now.equals(clientEncoding)) {
            clientEncoding = now;
            encodingListener.accept(now);
        }
    }

    private Consumer<ClientEncoding> encodingListener = encoding -> { };

    /** Told of the client encoding now and whenever it changes: the writer to the client writes its strings in it. */
    public synchronized void onClientEncoding(Consumer<ClientEncoding> listener) {
        encodingListener = listener;
        listener.accept(clientEncoding);
    }

    /**
     * Server defaults of reported parameters by lower-case name, with the server's spelling of the
     * name: immutable, and shared by every session that learned them from equal logins (an idle
     * client should cost little).
     */
    private Map<String, Map.Entry<String, String>> serverDefaults = Map.of();
    private static final java.util.concurrent.ConcurrentHashMap<Map<String, String>, Map<String, Map.Entry<String, String>>>
            INDEXED = new java.util.concurrent.ConcurrentHashMap<>();

    /** Learns the server's defaults from a fresh backend's login, for RESET answered by the router. */
    public synchronized void learnServerDefaults(Map<String, String> reportedAtLogin) {
        Map<String, Map.Entry<String, String>> learned = INDEXED.get(reportedAtLogin);
        if (learned == null) {
            if (INDEXED.size() >= 64) {
                INDEXED.clear(); // many different servers or versions: index again
            }
            Map<String, Map.Entry<String, String>> index = new HashMap<>();
            reportedAtLogin.forEach((name, value) -> index.put(name.toLowerCase(Locale.ROOT), Map.entry(name, value)));
            learned = Map.copyOf(index);
            INDEXED.put(Map.copyOf(reportedAtLogin), learned);
        }
        if (serverDefaults.isEmpty()) {
            serverDefaults = learned;
        } else {
            Map<String, Map.Entry<String, String>> merged = new HashMap<>(serverDefaults);
            merged.putAll(learned);
            serverDefaults = Map.copyOf(merged);
        }
        encodingMayHaveChanged();
    }

    /**
     * The ParameterStatus values a RESET of {@code name} (or of everything, when null) changes, as the
     * server would report them: the client's startup value, else the server default.
     * Empty when a value is not known, so the caller lets a server answer.
     */
    public synchronized java.util.Optional<Map<String, String>> reportedAfterReset(String name) {
        Map<String, String> changes = new java.util.LinkedHashMap<>();
        for (String key : name == null ? Set.copyOf(desired.keySet()) : Set.of(name.toLowerCase(Locale.ROOT))) {
            if (!REPORTED.contains(key)) {
                continue;
            }
            Map.Entry<String, String> serverDefault = serverDefaults.get(key);
            if (serverDefault == null) {
                return java.util.Optional.empty();
            }
            String after = startup.getOrDefault(key, serverDefault.getValue());
            if (!after.equals(desired.get(key))) {
                changes.put(serverDefault.getKey(), after);
            }
        }
        return java.util.Optional.of(changes);
    }

    /** Reported parameters a forwarded RESET is about to report with the backend's own default. */
    private final Set<String> resetsInFlight = new java.util.HashSet<>();

    /**
     * A RESET (of one parameter, or of all when null) goes to a backend: its ParameterStatus will
     * carry the backend's default, but the client's default is its startup value.
     */
    public synchronized void resetSentToServer(String name) {
        if (name == null) {
            resetAll();
            startup.keySet().stream().filter(REPORTED::contains).forEach(resetsInFlight::add);
        } else {
            String key = name.toLowerCase(Locale.ROOT);
            reset(key);
            if (REPORTED.contains(key) && startup.containsKey(key)) {
                resetsInFlight.add(key);
            }
        }
    }

    /**
     * A ParameterStatus from the backend for the client's own statement: recorded as the client's
     * setting, unless it answers a RESET to a startup value, which the client is shown instead.
     *
     * @return the value to show the client
     */
    public synchronized String reportedByServer(String name, String value) {
        String key = name.toLowerCase(Locale.ROOT);
        if (resetsInFlight.remove(key)) {
            return desired.getOrDefault(key, value);
        }
        offer(name, value);
        return value;
    }

    /** RESET name: back to the value the client connected with, or the server default. */
    public synchronized void reset(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        String initial = startup.get(key);
        if (initial == null) {
            desired.remove(key);
        } else {
            desired.put(key, initial);
        }
        encodingMayHaveChanged();
    }

    /** RESET ALL and DISCARD ALL. */
    public synchronized void resetAll() {
        desired.clear();
        desired.putAll(startup);
        encodingMayHaveChanged();
    }

    /** Records a value the client asked for or the server reported to the client. */
    public synchronized void offer(String name, String value) {
        String key = name.toLowerCase(Locale.ROOT);
        // __spqr__ names are the router's hints, never server settings
        if (!NOT_SETTABLE.contains(key) && PARAMETER_NAME.matcher(key).matches() && !key.startsWith("__spqr__")) {
            desired.put(key, value);
            encodingMayHaveChanged();
        }
    }

    /** A server run-time parameter a client may set: not a startup-only key, not an SPQR hint. */
    public static boolean isSettable(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        return !NOT_SETTABLE.contains(key) && !key.startsWith("__spqr__");
    }

    public synchronized String get(String name) {
        return desired.get(name.toLowerCase(Locale.ROOT));
    }

    /** libpq's {@code options='-c name=value -c other=value'} (backslash escapes spaces). */
    private void offerCommandLineOptions(String options) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < options.length(); i++) {
            char c = options.charAt(i);
            if (c == '\\' && i + 1 < options.length()) {
                word.append(options.charAt(++i));
            } else if (Character.isWhitespace(c)) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String assignment = null;
            if (w.equals("-c") && i + 1 < words.size()) {
                assignment = words.get(++i);
            } else if (w.startsWith("-c")) {
                assignment = w.substring(2);
            } else if (w.startsWith("--")) {
                assignment = w.substring(2);
            }
            if (assignment != null) {
                int eq = assignment.indexOf('=');
                if (eq > 0) {
                    offer(assignment.substring(0, eq).replace('-', '_'), assignment.substring(eq + 1));
                }
            }
        }
    }

    /**
     * Makes the backend's settings equal to this client's, with one round trip when they differ.
     * Values are the parameters' text forms (as SHOW prints them), which {@code set_config} takes
     * as they are, lists such as search_path included.
     */
    public synchronized void applyTo(BackendConnection backend) throws IOException {
        try {
            applyAll(backend);
        } catch (PgException refused) {
            applyOneByOne(backend, refused);
        }
    }

    /**
     * The server refused the settings as a whole: one of them names a parameter it does not know or
     * a value it does not take (a SET the client sent on the extended protocol or inside a
     * transaction, which the server refused after the router noted it). Each setting is tried alone,
     * and those the server refuses are forgotten, so that they cannot fail every later transaction.
     */
    private void applyOneByOne(BackendConnection backend, PgException refused) throws IOException {
        for (Map.Entry<String, String> wanted : List.copyOf(desired.entrySet())) {
            String key = wanted.getKey();
            if (wanted.getValue().equals(valueOn(backend, key))) {
                continue;
            }
            try {
                BackendQueries.execute(backend, "SELECT set_config(" + quote(key) + ", " + quote(wanted.getValue()) + ", false)");
                backend.applied().put(key, wanted.getValue());
            } catch (PgException e) {
                desired.remove(key);
                if (startup.containsKey(key)) {
                    Map<String, String> kept = new HashMap<>(startup);
                    kept.remove(key);
                    startup = Map.copyOf(kept);
                }
                encodingMayHaveChanged();
                log.warn("event=setting_dropped parameter={} error=\"{}\"", key, e.getMessage());
            }
        }
        for (String key : List.copyOf(backend.applied().keySet())) {
            if (!desired.containsKey(key) && !key.equals("client_encoding")) {
                try {
                    BackendQueries.execute(backend, "RESET " + key);
                } catch (PgException e) {
                    log.warn("event=setting_reset_failed parameter={} error=\"{}\"", key, e.getMessage());
                }
                backend.applied().remove(key);
            }
        }
        log.debug("event=settings_applied_one_by_one first_error=\"{}\"", refused.getMessage());
    }

    private void applyAll(BackendConnection backend) throws IOException {
        // Runs at every transaction start in TRANSACTION mode: usually the backend already has the
        // client's values, so nothing is built and the reported values are only scanned when needed.
        Map<String, String> applied = backend.applied();
        StringBuilder sets = null;
        for (Map.Entry<String, String> wanted : desired.entrySet()) {
            String key = wanted.getKey();
            if (!wanted.getValue().equals(valueOn(backend, key))) {
                sets = sets == null ? new StringBuilder("SELECT ") : sets.append(", ");
                sets.append("set_config(").append(quote(key)).append(", ").append(quote(wanted.getValue())).append(", false)");
            }
        }
        List<String> resets = null;
        for (String key : applied.keySet()) {
            if (!desired.containsKey(key) && !key.equals("client_encoding")) {
                if (resets == null) {
                    resets = new ArrayList<>();
                }
                resets.add(key);
            }
        }
        if (sets == null && resets == null) {
            return;
        }
        StringBuilder sql = sets == null ? new StringBuilder() : sets;
        List<String> reset = resets == null ? List.of() : resets;
        for (String key : reset) {
            sql.append(sql.isEmpty() ? "" : ";").append("RESET ").append(key);
        }
        BackendQueries.execute(backend, sql.toString());
        applied.putAll(desired);
        reset.forEach(applied::remove);
    }

    /** What the backend has for the parameter: what was set on it, else what it reported. */
    private static String valueOn(BackendConnection backend, String key) {
        String set = backend.applied().get(key);
        return set != null ? set : backend.reportedValue(key);
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
