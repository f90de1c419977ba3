package dev.shardgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code shardgate} command. */
@Command(name = "shardgate", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "PostgreSQL sharding router.",
        subcommands = {RouterCommand.class, CoordinatorCommand.class, DemoCommand.class})
public final class Shardgate implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Shardgate()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
