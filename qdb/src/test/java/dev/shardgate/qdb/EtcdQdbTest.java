package dev.shardgate.qdb;

import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract against a real etcd; each test in a prefix of its own. */
class EtcdQdbTest extends QdbContract {
    static LocalEtcd etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = LocalEtcd.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    Qdb newQdb() {
        return EtcdQdb.open(etcd.endpoints(), "/test/" + UUID.randomUUID());
    }
}
