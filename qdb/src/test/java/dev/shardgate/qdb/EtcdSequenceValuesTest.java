package dev.shardgate.qdb;

import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Two stores on one etcd prefix stand for two routers sharing a coordinator's etcd. */
class EtcdSequenceValuesTest extends SequenceValuesContract {
    static LocalEtcd etcd;
    private String prefix;

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
        prefix = "/test/" + UUID.randomUUID();
        return EtcdQdb.open(etcd.endpoints(), prefix);
    }

    @Override
    Qdb sameStore(Qdb first) {
        return EtcdQdb.open(etcd.endpoints(), prefix);
    }
}
