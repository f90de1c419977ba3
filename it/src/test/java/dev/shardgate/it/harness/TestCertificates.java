package dev.shardgate.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority made with openssl in a directory, and certificates it signs
 * for 127.0.0.1 and localhost, usable by servers and clients alike. Keys are unencrypted PKCS#8
 * PEM (openssl's default), valid for a day.
 */
public final class TestCertificates {
    private final Path directory;
    private final String name;

    /** A key pair and the certificate for it, as PEM files. */
    public record Issued(Path certFile, Path keyFile) {
    }

    private TestCertificates(Path directory, String name) {
        this.directory = directory;
        this.name = name;
    }

    /** Makes CA {@code name} in {@code directory}: files {@code name-ca.crt} and {@code name-ca.key}. */
    public static TestCertificates authority(Path directory, String name) {
        TestCertificates ca = new TestCertificates(directory, name);
        openssl(directory, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", ca.caKey().toString(), "-out", ca.caFile().toString(), "-days", "1",
                "-subj", "/CN=" + name + " test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return ca;
    }

    /** The CA's certificate, what peers put in their root_ca_file or client_ca_file. */
    public Path caFile() {
        return directory.resolve(name + "-ca.crt");
    }

    private Path caKey() {
        return directory.resolve(name + "-ca.key");
    }

    /** A certificate for {@code commonName}, naming 127.0.0.1 and localhost, for server and client use. */
    public Issued issue(String commonName) {
        Path key = directory.resolve(commonName + ".key");
        Path request = directory.resolve(commonName + ".csr");
        Path cert = directory.resolve(commonName + ".crt");
        Path extensions = directory.resolve(commonName + ".ext");
        try {
            Files.writeString(extensions, """
                    subjectAltName=IP:127.0.0.1,DNS:localhost
                    keyUsage=critical,digitalSignature,keyEncipherment
                    extendedKeyUsage=serverAuth,clientAuth
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl(directory, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", request.toString(), "-subj", "/CN=" + commonName);
        openssl(directory, "x509", "-req", "-in", request.toString(), "-CA", caFile().toString(),
                "-CAkey", caKey().toString(), "-CAcreateserial", "-out", cert.toString(), "-days", "1",
                "-extfile", extensions.toString());
        return new Issued(cert, key);
    }

    private static void openssl(Path directory, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run openssl (apt-get install openssl)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
