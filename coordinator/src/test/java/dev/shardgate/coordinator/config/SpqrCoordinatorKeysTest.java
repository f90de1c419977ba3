package dev.shardgate.coordinator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.qdb.tls.TlsMode;
import org.junit.jupiter.api.Test;

/**
 * coordinator.yaml as SPQR documents it (docs/configuration/coordinator.mdx and grpc_tls.mdx):
 * every key loads, those with a meaning here are read into ours, an unknown key is still refused.
 */
class SpqrCoordinatorKeysTest {
    @Test
    void everyDocumentedSpqrKeyLoadsAndThoseWithAMeaningHereAreHonoured() {
        CoordinatorConfig config = CoordinatorConfig.parse("""
                log_level: warning
                pretty_logging: false
                qdb_addrs: ['etcd1:2379', 'etcd2:2379']
                host: localhost
                coordinator_port: '7002'
                grpc_api_port: '7003'
                frontend_tls: {sslmode: disable}
                client_tls: {mode: disabled}
                server_tls: {mode: disabled}
                frontend_rules:
                  - db: spqr-console
                    usr: admin
                    search_path: public
                    pool_mode: TRANSACTION
                    pool_discard: false
                    pool_rollback: true
                    pool_prepared_statement: true
                    pool_default: false
                    auth_rule: {auth_method: md5, password: secret}
                shard_data: examples/shard_data.yaml
                use_systemd_notifier: false
                systemd_notifier_debug: false
                iteration_timeout: 1s
                lock_iteration_timeout: 1s
                router_keepalive_time: 30s
                router_keepalive_timeout: 20s
                watch_routers_qdb: false
                enable_role_system: false
                roles_file: roles.yaml
                etcd_max_send_bytes: 0
                etcd_max_txn_ops: 128
                data_move_disable_triggers: false
                data_move_bound_batch_size: 2000
                data_move_query_log_level: debug
                data_move_await_pid_exception: "true"
                use_spqrguard: false
                forbid_direct_shard_queries: false
                """, "coordinator.yaml");
        assertThat(config.qdbAddr()).isEqualTo("etcd1:2379,etcd2:2379");
        assertThat(config.logLevel()).isEqualTo("WARN");
        assertThat(config.coordinatorPort()).isEqualTo(7002);
        assertThat(config.dataMove().batchSize()).isEqualTo(2000);
        assertThat(config.dataMove().isSizedByTime()).isFalse();
        assertThat(config.grpcTls().server().mode()).isEqualTo(TlsMode.DISABLED);
        assertThat(config.frontendRules()).singleElement().satisfies(rule -> assertThat(rule.usr()).isEqualTo("admin"));
    }

    @Test
    void anSpqrKeyAndOursForTheSameThingAreNotBothGiven() {
        CoordinatorConfigException both = catchThrowableOfType(CoordinatorConfigException.class, () -> CoordinatorConfig.parse("""
                qdb_addr: etcd1:2379
                qdb_addrs: ['etcd2:2379']
                """, "coordinator.yaml"));
        assertThat(both.getMessage()).contains("qdb_addrs").contains("means qdb_addr, which is also given");
    }

    @Test
    void aKeyNeitherOursNorSpqrsIsStillRefusedByName() {
        CoordinatorConfigException unknown = catchThrowableOfType(CoordinatorConfigException.class,
                () -> CoordinatorConfig.parse("iteration_timeoutt: 1s\n", "coordinator.yaml"));
        assertThat(unknown.getMessage()).contains("unknown key 'iteration_timeoutt'");
    }
}
