package dev.shardgate.console.server;

import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.StartupMessage;
import dev.shardgate.wire.auth.LoginDeadline;
import java.net.InetAddress;

/**
 * A console client that came in on another listener: the router's port, asked for a console
 * database ({@code dbname=spqr-console}), as SPQR allows. That listener answered its SSLRequest with
 * its own TLS and read its startup packet; the console takes it from there under its own rules —
 * console rules, TLS required as on the console port, the login deadline, its limit of clients.
 *
 * @param secured whether the listener's TLS handshake took place
 * @param address the client's, whose failed logins space out its next ones; null when unknown
 * @param client how the log names the client
 * @param cutOff ends a read blocked on the client, when the login's deadline passes
 * @param connection closes the client's connection, when the console is closed under it
 */
public record HandedOffClient(StartupMessage startup, PgReader in, PgWriter out, boolean secured, InetAddress address,
                              String client, LoginDeadline.CutOff cutOff, AutoCloseable connection) {
}
