package dev.shardgate.console.exec;

/**
 * One key of the configuration file as it reads now, a row of {@code SHOW file_settings} (as
 * PostgreSQL's {@code pg_file_settings}).
 *
 * @param setting the file's value, passwords and key material masked
 * @param applied whether the running process uses that value: false when the file changed since
 *                start or the last RELOAD, or when the key needs a restart to take it
 */
public record FileSetting(String name, String setting, boolean applied) {
}
