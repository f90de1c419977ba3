package dev.shardgate.router.config;

import java.util.Locale;

/** The least severe event the router logs. */
public enum LogLevel {
    DEBUG,
    INFO,
    WARNING,
    ERROR;

    /** The spelling in router.yaml, lower case as SPQR writes it. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
