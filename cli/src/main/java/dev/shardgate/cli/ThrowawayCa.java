package dev.shardgate.cli;

import dev.shardgate.cli.postgres.ExternalCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * A throw-away certificate authority made with openssl (for the demo, the bench and every TLS
 * test: client, shard, gRPC and etcd links), and the certificates it signs: EC P-256 keys in
 * PKCS#8 PEM, what PostgreSQL, libpq, etcd, gRPC and the router all read. Valid for two days.
 */
public final class ThrowawayCa {
    /** A certificate and its key. */
    public record Issued(Path cert, Path key) {
    }

    private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final String name;
    private final Path caCert;
    private final Path caKey;

    private ThrowawayCa(Path dir, String name) {
        this.dir = dir;
        this.name = name;
        this.caCert = dir.resolve(name + "-ca.crt");
        this.caKey = dir.resolve(name + "-ca.key");
    }

    /** A new CA with subject CN={@code name}, its files in {@code dir}. */
    public static ThrowawayCa authority(Path dir, String name) {
        ThrowawayCa ca = new ThrowawayCa(dir, name);
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", ca.caKey.toString(), "-out", ca.caCert.toString(), "-days", "2", "-subj", "/CN=" + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return ca;
    }

    /** The CA's certificate: what sslrootcert and root_cert_file name. */
    public Path caCert() {
        return caCert;
    }

    /** A server certificate for localhost and 127.0.0.1 (subjectAltName), as verify-full checks them. */
    public Issued server(String file) {
        return server(file, "DNS:localhost,IP:127.0.0.1");
    }

    /** A server certificate for other names, e.g. {@code DNS:db.example}, to see verify-full refuse it. */
    public Issued server(String file, String subjectAltNames) {
        return issue(file, "localhost", "subjectAltName=" + subjectAltNames);
    }

    /**
     * A certificate with CN={@code commonName} for localhost and 127.0.0.1 that serves as server and
     * as client certificate alike (what a coordinator, a router and etcd each present on gRPC and
     * etcd links, where one process is both). Files {@code commonName.crt} and {@code .key}.
     */
    public Issued peer(String commonName) {
        return issue(commonName, commonName, """
                subjectAltName=IP:127.0.0.1,DNS:localhost
                keyUsage=critical,digitalSignature,keyEncipherment
                extendedKeyUsage=serverAuth,clientAuth""");
    }

    /** A client certificate with CN={@code commonName}: the user name of cert authentication. */
    public Issued client(String file, String commonName) {
        return issue(file, commonName, "extendedKeyUsage=clientAuth");
    }

    private Issued issue(String file, String commonName, String extension) {
        Path key = dir.resolve(file + ".key");
        Path request = dir.resolve(file + ".csr");
        Path cert = dir.resolve(file + ".crt");
        Path extensions = dir.resolve(file + ".ext");
        try {
            Files.writeString(extensions, extension + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", request.toString(), "-subj", "/CN=" + commonName);
        openssl("x509", "-req", "-in", request.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", extensions.toString());
        try {
            // libpq refuses a client key others can read
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Issued(cert, key);
    }

    private static void openssl(String... arguments) {
        String[] argv = new String[arguments.length + 1];
        argv[0] = "openssl";
        System.arraycopy(arguments, 0, argv, 1, arguments.length);
        ExternalCommand.of(argv).run(OPENSSL_TIMEOUT).requireSuccess("openssl " + arguments[0]);
    }

    @Override
    public String toString() {
        return "ThrowawayCa[" + name + " in " + dir + "]";
    }
}
