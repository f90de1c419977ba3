package dev.shardgate.it.router;

import dev.shardgate.cli.postgres.LocalPostgres;
import java.io.IOException;
import java.nio.file.Files;

/**
 * A shard's running postmaster, to hang it as a stuck host would: after SIGSTOP the kernel still
 * completes TCP handshakes on its port, but nobody answers a login; backends already started go on.
 */
record PostmasterProcess(long pid) {

    /** The postmaster running now (a restarted server has another). */
    static PostmasterProcess of(LocalPostgres server) throws IOException {
        return new PostmasterProcess(Long.parseLong(Files.readAllLines(server.dataDir().resolve("postmaster.pid")).getFirst().strip()));
    }

    void hang() throws IOException, InterruptedException {
        signal("STOP");
    }

    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        signal(name, pid);
    }

    /** Sends signal {@code name} (STOP, CONT, …) to any process, a backend as well as a postmaster. */
    static void signal(String name, long pid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor();
    }
}
