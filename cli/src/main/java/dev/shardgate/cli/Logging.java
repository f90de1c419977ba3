package dev.shardgate.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Applies the config file's log_level to Shardgate's loggers. */
final class Logging {
    private Logging() {
    }

    static void setLevel(String level) {
        Level logback = switch (level.toLowerCase(java.util.Locale.ROOT)) {
            case "debug" -> Level.DEBUG;
            case "warning", "warn" -> Level.WARN;
            case "error" -> Level.ERROR;
            default -> Level.INFO;
        };
        ((Logger) LoggerFactory.getLogger("dev.shardgate")).setLevel(logback);
    }
}
