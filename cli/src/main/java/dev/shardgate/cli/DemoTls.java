package dev.shardgate.cli;

import dev.shardgate.wire.tls.FrontendTlsSettings;
import dev.shardgate.wire.tls.ServerTlsSettings;
import dev.shardgate.wire.tls.SslMode;
import java.nio.file.Path;
import java.util.List;

/**
 * The demo's TLS: a throw-away CA and a certificate for localhost in the demo's directory, served
 * with sslmode prefer (plain clients still connect). Without openssl the demo runs without TLS and
 * says so.
 *
 * @param settings  what the routers serve; {@link FrontendTlsSettings#DISABLED} without openssl
 * @param rootCert  the CA certificate clients verify with, or null
 */
record DemoTls(FrontendTlsSettings settings, Path rootCert) {

    static DemoTls create(Path base) {
        try {
            ThrowawayCa ca = ThrowawayCa.authority(base, "shardgate-demo-ca");
            ThrowawayCa.Issued server = ca.server("router");
            return new DemoTls(new FrontendTlsSettings(SslMode.PREFER, new ServerTlsSettings(server.cert(), server.key(),
                    null, ServerTlsSettings.DEFAULT_MIN_PROTOCOL, List.of())), ca.caCert());
        } catch (RuntimeException e) {
            System.out.println("TLS is off in this demo: cannot make certificates with openssl (" + e.getMessage() + ")");
            return new DemoTls(FrontendTlsSettings.DISABLED, null);
        }
    }

    /** The psql lines for a port: plain, and verify-full beside it when TLS is on. */
    List<String> psqlLines(int port, String database, String user) {
        String target = "host=localhost port=" + port + " dbname=" + database + " user=" + user;
        if (rootCert == null) {
            return List.of("psql \"" + target + " sslmode=disable\"");
        }
        return List.of("psql \"" + target + " sslmode=disable\"",
                "psql \"" + target + " sslmode=verify-full sslrootcert=" + rootCert + "\"");
    }
}
