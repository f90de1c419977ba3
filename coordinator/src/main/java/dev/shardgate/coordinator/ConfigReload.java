package dev.shardgate.coordinator;

import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.console.ast.Reload;
import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.coordinator.config.ConsoleRule;
import dev.shardgate.coordinator.config.CoordinatorConfig;
import dev.shardgate.coordinator.config.CoordinatorConfigException;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * RELOAD on the coordinator's console, and SIGHUP: re-reads coordinator.yaml. {@code log_level},
 * {@code frontend_rules} (who may open the console, checked at each login) and {@code balancer} apply at once; every other
 * key shaped something built at start (ports, etcd, TLS, the data mover's login) and keeps its running
 * value until a restart, reported by name. An invalid file changes nothing (F0000 naming the key).
 */
final class ConfigReload implements ConsoleExecutor.OwnStatements {
    private static final Logger log = LoggerFactory.getLogger(ConfigReload.class);
    private static final List<String> COLUMNS = List.of("key", "old_value", "new_value", "status");

    /** One changed key, as RELOAD's row says it. */
    record KeyChange(String key, String oldValue, String newValue, boolean isApplied) {
        String status() {
            return isApplied ? "applied" : "needs restart";
        }
    }

    private record Key(String name, Function<CoordinatorConfig, Object> value, boolean isLive) {
    }

    private static final List<Key> KEYS = List.of(
            new Key("host", CoordinatorConfig::host, false),
            new Key("coordinator_port", CoordinatorConfig::coordinatorPort, false),
            new Key("grpc_api_port", CoordinatorConfig::grpcApiPort, false),
            new Key("http_port", CoordinatorConfig::httpPort, false),
            new Key("qdb_addr", CoordinatorConfig::qdbAddr, false),
            new Key("log_level", c -> c.logLevel().toLowerCase(java.util.Locale.ROOT), true),
            // data_move holds a password: its value is compared, never shown
            new Key("data_move", CoordinatorConfig::dataMove, false),
            new Key("grpc_server_tls", c -> c.grpcTls().server(), false),
            new Key("grpc_client_tls", c -> c.grpcTls().client(), false),
            new Key("qdb_tls", CoordinatorConfig::qdbTls, false),
            // the certificate files themselves are re-read by the console when they change
            new Key("frontend_tls", CoordinatorConfig::frontendTls, false),
            new Key("balancer", CoordinatorConfig::balancer, true));

    private final Path file;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile CoordinatorConfig running;
    private volatile Consumer<String> logLevels = level -> { };
    private volatile Consumer<dev.shardgate.coordinator.config.BalancerConfig> balancers = balancer -> { };

    /** @param file what RELOAD reads; null when the coordinator was started from code */
    ConfigReload(CoordinatorConfig running, Path file) {
        this.running = running;
        this.file = file;
    }

    /** The console rules in force, read at each console login. */
    List<ConsoleRule> consoleRules() {
        return running.frontendRules();
    }

    void logLevelsTo(Consumer<String> applier) {
        logLevels = applier;
    }

    /** Who runs the balancer with a reloaded {@code balancer} section. */
    void balancerTo(Consumer<dev.shardgate.coordinator.config.BalancerConfig> applier) {
        balancers = applier;
    }

    /**
     * @param trigger how the log names the cause: RELOAD or SIGHUP
     * @throws PgException F0000 naming the file and key; nothing was changed
     */
    List<KeyChange> reload(String trigger) {
        lock.lock();
        try {
            if (file == null) {
                throw new PgException(SqlState.CONFIG_FILE_ERROR,
                        "the coordinator was started without a configuration file: there is nothing to reload");
            }
            CoordinatorConfig read;
            try {
                read = CoordinatorConfig.load(file);
            } catch (CoordinatorConfigException | dev.shardgate.qdb.tls.TlsConfigException e) {
                log.warn("event=config_reload_refused trigger={} file={} error=\"{}\"", trigger, file, e.getMessage());
                throw new PgException(SqlState.CONFIG_FILE_ERROR, e.getMessage() + "; nothing was changed");
            }
            CoordinatorConfig before = running;
            List<KeyChange> changes = changes(before, read);
            running = new CoordinatorConfig(before.host(), before.coordinatorPort(), before.grpcApiPort(), before.qdbAddr(),
                    read.logLevel(), read.frontendRules(), before.dataMove(), before.grpcTls(), before.qdbTls(), before.httpPort(),
                    before.frontendTls(), read.balancer());
            if (!read.logLevel().equals(before.logLevel())) {
                logLevels.accept(read.logLevel());
            }
            if (!read.balancer().equals(before.balancer())) {
                balancers.accept(read.balancer());
            }
            for (KeyChange change : changes) {
                if (change.isApplied()) {
                    log.info("event=config_key_reloaded trigger={} key={} old=\"{}\" new=\"{}\"", trigger, change.key(),
                            change.oldValue(), change.newValue());
                } else {
                    log.warn("event=config_key_needs_restart trigger={} key={} running=\"{}\" file=\"{}\"", trigger,
                            change.key(), change.oldValue(), change.newValue());
                }
            }
            long applied = changes.stream().filter(KeyChange::isApplied).count();
            log.info("event=config_reloaded trigger={} file={} applied={} needs_restart={}", trigger, file, applied,
                    changes.size() - applied);
            return changes;
        } finally {
            lock.unlock();
        }
    }

    /**
     * SHOW file_settings: each key as coordinator.yaml reads now, and whether the running coordinator
     * uses that value; {@code data_move} and the TLS sections are masked.
     *
     * @throws PgException F0000 naming the file and key when the file does not read
     */
    List<dev.shardgate.console.exec.FileSetting> fileSettings() {
        if (file == null) {
            return List.of();
        }
        CoordinatorConfig read;
        try {
            read = CoordinatorConfig.load(file);
        } catch (CoordinatorConfigException | dev.shardgate.qdb.tls.TlsConfigException e) {
            throw new PgException(SqlState.CONFIG_FILE_ERROR, e.getMessage());
        }
        CoordinatorConfig now = running;
        List<dev.shardgate.console.exec.FileSetting> settings = new ArrayList<>();
        for (Key key : KEYS) {
            Object value = key.value().apply(read);
            boolean shown = !key.name().endsWith("_tls") && !key.name().equals("data_move");
            settings.add(new dev.shardgate.console.exec.FileSetting(key.name(),
                    shown ? String.valueOf(value) : "********", Objects.equals(key.value().apply(now), value)));
        }
        Map<String, ConsoleRule> inForce = byTarget(now.frontendRules());
        byTarget(read.frontendRules()).forEach((target, rule) -> settings.add(new dev.shardgate.console.exec.FileSetting(
                "frontend_rules[" + target + "]", describe(rule), rule.equals(inForce.get(target)))));
        return settings;
    }

    static List<KeyChange> changes(CoordinatorConfig before, CoordinatorConfig after) {
        List<KeyChange> changes = new ArrayList<>();
        for (Key key : KEYS) {
            Object old = key.value().apply(before);
            Object next = key.value().apply(after);
            if (!Objects.equals(old, next)) {
                boolean shown = !key.name().endsWith("_tls") && !key.name().equals("data_move");
                changes.add(new KeyChange(key.name(), shown ? String.valueOf(old) : "(section)",
                        shown ? String.valueOf(next) : "(section)", key.isLive()));
            }
        }
        Map<String, ConsoleRule> oldRules = byTarget(before.frontendRules());
        Map<String, ConsoleRule> newRules = byTarget(after.frontendRules());
        Set<String> targets = new LinkedHashSet<>(oldRules.keySet());
        targets.addAll(newRules.keySet());
        for (String target : targets) {
            ConsoleRule old = oldRules.get(target);
            ConsoleRule next = newRules.get(target);
            if (Objects.equals(old, next)) {
                continue;
            }
            String oldText = describe(old);
            String newText = describe(next);
            if (old != null && next != null && oldText.equals(newText)) {
                newText += " (password changed)";
            }
            changes.add(new KeyChange("frontend_rules[" + target + "]", oldText, newText, true));
        }
        return changes;
    }

    private static Map<String, ConsoleRule> byTarget(List<ConsoleRule> rules) {
        Map<String, ConsoleRule> map = new LinkedHashMap<>();
        rules.forEach(rule -> map.putIfAbsent("db=" + rule.db() + ",usr=" + rule.usr(), rule));
        return map;
    }

    private static String describe(ConsoleRule rule) {
        if (rule == null) {
            return "(none)";
        }
        return "auth_method=" + switch (rule.method()) {
            case TRUST -> "ok";
            case CLEAR_TEXT -> "clear_text";
            case MD5 -> "md5";
            case SCRAM -> "scram";
        } + (rule.requireTls() ? " require_tls=true" : "");
    }

    @Override
    public boolean handles(ConsoleStatement statement) {
        return statement instanceof Reload;
    }

    @Override
    public ConsoleResult run(ConsoleStatement statement) {
        return new ConsoleResult.Rows(COLUMNS, reload("RELOAD").stream()
                .map(change -> List.of(change.key(), change.oldValue(), change.newValue(), change.status()))
                .toList());
    }

    @Override
    public Optional<List<String>> describe(ConsoleStatement statement) {
        return Optional.of(COLUMNS);
    }
}
