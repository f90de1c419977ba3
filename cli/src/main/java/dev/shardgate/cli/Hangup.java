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
            sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"),
                    signal -> Thread.ofVirtual().name("sighup-reload").start(() -> {
                        try {
                            reload.run();
                        } catch (RuntimeException e) {
                            log.debug("event=sighup_reload_failed error=\"{}\"", e.getMessage()); // the reload logged why
                        }
                    }));
            if (before == sun.misc.SignalHandler.SIG_IGN) {
                // started with SIGHUP ignored (nohup, or a parent that ignores it): the JVM then keeps
                // it ignored and installs no handler, so kill -HUP would do nothing, silently
                log.warn("event=sighup_ignored reason=\"the process was started with SIGHUP ignored (nohup?);"
                        + " SIGHUP will not reload the configuration: use RELOAD on the console\"");
            }
        } catch (IllegalArgumentException e) {
            // the JVM runs with -Xrs or the platform has no SIGHUP: RELOAD on the console still works
            log.warn("event=sighup_unavailable error=\"{}\"", e.getMessage());
        }
    }
}
