package dev.shardgate.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP re-reads the configuration, as PostgreSQL's and PgBouncer's do. Without a handler the JVM
 * treats SIGHUP as a request to exit; this one replaces that.
 */
final class Hangup {
    private static final Logger log = LoggerFactory.getLogger(Hangup.class);

    private Hangup() {
    }

    /** Runs {@code reload} on a thread of its own at each SIGHUP; its failures are its own to log. */
    @SuppressWarnings("sunapi")
    static void onSignal(Runnable reload) {
        try {
            // a platform thread: the reload must not wait for a free carrier of the virtual-thread
            // scheduler, which a loaded router's own work may hold
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> Thread.ofPlatform().name("sighup-reload").start(() -> {
                try {
                    reload.run();
                } catch (RuntimeException e) {
                    log.debug("event=sighup_reload_failed error=\"{}\"", e.getMessage()); // the reload logged why
                }
            }));
        } catch (IllegalArgumentException e) {
            // the JVM runs with -Xrs or the platform has no SIGHUP: RELOAD on the console still works
            log.warn("event=sighup_unavailable error=\"{}\"", e.getMessage());
        }
    }
}
