package dev.shardgate.router;

import dev.shardgate.router.config.ConfigException;
import dev.shardgate.router.config.LogLevel;
import dev.shardgate.router.config.ReloadPlan;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * RELOAD and SIGHUP: re-reads router.yaml and puts in force what may change while the router runs
 * ({@link ReloadPlan}). A file that does not read or check changes nothing; the error names the
 * key, as at start. Every changed key is logged on a line of its own, secrets masked.
 */
public final class ConfigReloader {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    private final RouterContext context;
    private final Path file;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Consumer<LogLevel> logLevels = level -> { };

    /** @param file the file the router was started with; null when it was started from code */
    public ConfigReloader(RouterContext context, Path file) {
        this.context = context;
        this.file = file;
    }

    /** Who turns log_level into the logging backend's level (the command line's; the router knows only SLF4J). */
    public void logLevelsTo(Consumer<LogLevel> applier) {
        logLevels = applier;
    }

    /**
     * The file as it reads now against the running config, for SHOW file_settings; nothing is applied.
     *
     * @return empty when the router was started without a file
     * @throws PgException F0000 naming the file and key when the file does not read or check
     */
    public List<ReloadPlan.FileSetting> fileSettings() {
        if (file == null) {
            return List.of();
        }
        try {
            return ReloadPlan.fileSettings(context.config(), RouterConfig.load(file));
        } catch (ConfigException e) {
            throw new PgException(SqlState.CONFIG_FILE_ERROR, e.getMessage());
        }
    }

    /**
     * Reads the file again and applies it; one reload at a time.
     *
     * @param trigger how the log names the cause: {@code RELOAD} or {@code SIGHUP}
     * @return one change per key whose value differs, applied or left for a restart
     * @throws PgException F0000 (config_file_error) naming the file and key; nothing was changed
     */
    public List<ReloadPlan.KeyChange> reload(String trigger) {
        lock.lock();
        try {
            if (file == null) {
                throw new PgException(SqlState.CONFIG_FILE_ERROR,
                        "the router was started without a configuration file: there is nothing to reload");
            }
            RouterConfig running = context.config();
            ReloadPlan plan;
            try {
                plan = ReloadPlan.between(running, RouterConfig.load(file), file.toString());
            } catch (ConfigException e) {
                log.warn("event=config_reload_refused trigger={} file={} error=\"{}\"", trigger, file, e.getMessage());
                throw new PgException(SqlState.CONFIG_FILE_ERROR, e.getMessage() + "; nothing was changed");
            }
            context.reconfigure(plan.applied());
            if (plan.applied().logLevel() != running.logLevel()) {
                logLevels.accept(plan.applied().logLevel());
            }
            for (ReloadPlan.KeyChange change : plan.changes()) {
                if (change.isApplied()) {
                    log.info("event=config_key_reloaded trigger={} key={} old=\"{}\" new=\"{}\"", trigger, change.key(),
                            change.oldValue(), change.newValue());
                } else {
                    log.warn("event=config_key_needs_restart trigger={} key={} running=\"{}\" file=\"{}\"", trigger,
                            change.key(), change.oldValue(), change.newValue());
                }
            }
            long applied = plan.changes().stream().filter(ReloadPlan.KeyChange::isApplied).count();
            log.info("event=config_reloaded trigger={} file={} applied={} needs_restart={}", trigger, file, applied,
                    plan.changes().size() - applied);
            return plan.changes();
        } finally {
            lock.unlock();
        }
    }
}
