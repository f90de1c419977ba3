package dev.shardgate.console.http;

/**
 * Whether the process should be sent traffic now, for {@code /readyz}: asked on every request, from
 * the HTTP server's thread, so an answer must be quick and thread-safe.
 */
@FunctionalInterface
public interface Readiness {

    /** {@code null} when ready, else one line saying why not (naming the shard or host). */
    String notReadyBecause();

    /** Always ready: a process with nothing that could make it unready. */
    Readiness ALWAYS = () -> null;
}
