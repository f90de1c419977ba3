package dev.shardgate.it.router;

import dev.shardgate.cli.postgres.ExternalCommand;
import dev.shardgate.cli.postgres.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A loopback address (of 127.0.0.0/8, all of it local on Linux) that a test can make vanish as a host
 * that lost power does: a blackhole route drops every packet sent to it, so nothing answers and no
 * FIN or RST ever comes. Needs root with CAP_NET_ADMIN and iproute2's {@code ip}; the route is
 * specific to this address, which nothing else on the machine uses, and {@link #close} removes it.
 */
record VanishingAddress(String address) implements AutoCloseable {
    /** iproute2 lives in sbin, which a non-login PATH may lack. */
    private static final String IP = Stream.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip")
            .filter(path -> Files.isExecutable(Path.of(path))).findFirst().orElse(null);

    /** Skips the calling test (with the reason) where routes cannot be changed. */
    static void assumeAvailable() {
        Assumptions.assumeTrue(ExternalCommand.runningAsRoot(), "adding a blackhole route needs root (CAP_NET_ADMIN)");
        Assumptions.assumeTrue(IP != null, "iproute2's ip is not installed");
        ProcessResult probe = ip("route", "show", "table", "local");
        Assumptions.assumeTrue(probe.succeeded(), "iproute2 `ip` does not work here: " + probe.stderr());
    }

    void vanish() {
        ProcessResult added = ip("route", "add", "blackhole", address + "/32", "table", "local");
        Assumptions.assumeTrue(added.succeeded(), "cannot add a blackhole route for " + address + ": " + added.stderr().strip());
    }

    @Override
    public void close() {
        ip("route", "del", "blackhole", address + "/32", "table", "local");
    }

    private static ProcessResult ip(String... arguments) {
        String[] argv = new String[arguments.length + 1];
        argv[0] = IP;
        System.arraycopy(arguments, 0, argv, 1, arguments.length);
        return ExternalCommand.of(argv).run(Duration.ofSeconds(10));
    }
}
