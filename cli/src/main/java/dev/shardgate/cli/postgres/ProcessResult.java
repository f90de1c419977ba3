package dev.shardgate.cli.postgres;

/** How a finished program ended: its exit code and everything it wrote. */
public record ProcessResult(int exitCode, String stdout, String stderr) {

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** This result when the program exited with 0, else an exception naming {@code what} failed. */
    public ProcessResult requireSuccess(String what) {
        if (!succeeded()) {
            throw new LocalPostgresException(what + " failed with exit code " + exitCode
                    + "\nstderr:\n" + stderr.strip() + "\nstdout:\n" + stdout.strip());
        }
        return this;
    }
}
