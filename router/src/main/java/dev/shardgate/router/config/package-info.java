/**
 * The router's configuration file, shaped like SPQR's router.yaml, read once at start into
 * immutable records ({@link dev.shardgate.router.config.RouterConfig} and the rules it holds).
 *
 * <p>Reading is strict: an unknown or repeated key, a value of the wrong type or out of range, a
 * rule without its db/usr, a password missing for clear_text/md5/scram, two rules for one db/usr
 * pair, or a client frontend rule without a backend rule all fail with a
 * {@link dev.shardgate.router.config.ConfigException} naming the file, line and key path.
 *
 * <p>Rules are matched exactly on (db, usr) first, then the {@code pool_default} rule. Frontend
 * rules whose db is {@code spqr-console}, {@code spqr_console} or {@code shardgate_console} admit
 * their user to the admin console and are kept in {@code consoleRules}; they are matched on usr
 * alone and never fall back to a pool_default rule.
 */
package dev.shardgate.router.config;
