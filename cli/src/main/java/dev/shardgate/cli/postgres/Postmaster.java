package dev.shardgate.cli.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The supervisor process of a server, known by the pid in its postmaster.pid file. */
record Postmaster(long pid) {

    /**
     * Whether the process still runs. An exited postmaster may linger as a zombie when nobody
     * reaps orphans (containers whose pid 1 is not an init), and a zombie counts as gone.
     */
    boolean isAlive() {
        return isAlive(pid);
    }

    /**
     * SIGKILLs the postmaster and every process below it, like a crash of the host, and waits
     * until they are gone so that the next start finds no backend attached to old shared memory.
     */
    void killWithBackends(Duration wait) {
        ProcessHandle.of(pid).ifPresent(postmaster -> {
            List<ProcessHandle> backends = postmaster.descendants().toList();
            postmaster.destroyForcibly();
            backends.forEach(ProcessHandle::destroyForcibly);
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline
                    && (isAlive(pid) || backends.stream().anyMatch(backend -> isAlive(backend.pid())))) {
                pause();
            }
            if (isAlive(pid)) {
                throw new LocalPostgresException("postmaster " + pid + " survived SIGKILL for " + wait);
            }
        });
    }

    private static boolean isAlive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Format "pid (comm) state …"; comm may contain spaces and parentheses.
            String afterName = stat.substring(stat.lastIndexOf(')') + 1).strip();
            return !afterName.startsWith("Z") && !afterName.startsWith("X");
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalPostgresException("interrupted while waiting for the postmaster to exit", e);
        }
    }
}
