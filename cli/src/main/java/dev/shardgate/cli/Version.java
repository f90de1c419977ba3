package dev.shardgate.cli;

import picocli.CommandLine;

/** The version printed by {@code shardgate --version}, from the jar's manifest. */
public final class Version implements CommandLine.IVersionProvider {
    public static String current() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"shardgate " + current()};
    }
}
