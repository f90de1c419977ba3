package dev.shardgate.qdb.tls;

import java.nio.file.Path;

/**
 * TLS towards etcd (qdb_tls), as etcdctl's --cacert, --cert and --key: etcd's certificate must be
 * signed by a CA in {@code rootCaFile} (the JDK's trusted CAs when null); {@code certFile} and
 * {@code keyFile}, set together, are presented to an etcd started with --client-cert-auth.
 * {@link #DISABLED} talks plain text.
 */
public record EtcdTls(boolean enabled, Path rootCaFile, Path certFile, Path keyFile) {
    public static final EtcdTls DISABLED = new EtcdTls(false, null, null, null);

    /**
     * @throws TlsConfigException naming the key at fault
     */
    public void check() {
        if (!enabled) {
            return;
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new TlsConfigException(certFile == null ? "cert_file" : "key_file",
                    "must be set together with " + (certFile == null ? "key_file" : "cert_file"), null);
        }
        if (rootCaFile != null) {
            TlsFiles.trustManager("root_ca_file", rootCaFile);
        }
        if (certFile != null) {
            TlsFiles.keyPair(certFile, keyFile);
        }
    }
}
