package dev.shardgate.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * router.yaml as SPQR documents it (docs/configuration/router.mdx, auth.mdx, grpc_tls.mdx and its
 * pkg/config): every key loads, the keys with a meaning here are read into ours, and a key that is
 * neither SPQR's nor ours is still refused by name.
 */
class SpqrRouterKeysTest {
    /** Every key SPQR's router documentation names, each with a value of its documented kind. */
    private static final String EVERY_SPQR_KEY = """
            log_level: fatal
            pretty_logging: true
            daemonize: false
            reuse_port: true
            use_systemd_notifier: false
            systemd_notifier_debug: false
            with_coordinator: false
            enable_role_system: false
            roles_file: /etc/spqr/roles.yaml
            identity_range_size: 500
            host: '[localhost]'
            router_port: '6432'
            router_ro_port: '6433'
            admin_console_port: '7432'
            grpc_api_port: '7010'
            time_quantiles: [0.5, 0.9]
            maintain_params: true
            with_jaeger: false
            jaeger_url: localhost:6831
            world_shard_fallback: false
            query_routing:
              default_route_behaviour: ALLOW
              default_target_session_attrs: prefer-standby
              enhanced_multishard_processing: true
              always_check_rules: false
              auto_route_ro_on_standby: false
              multicast_unroutable_insert_statement: false
            distributed_commit_strategy: 2pc
            router_mode: PROXY
            show_notice_messages: true
            notice_message_format: '{shard}@{host}'
            pid_file_name: /var/run/spqr.pid
            pid_filename: /var/run/spqr.pid
            log_file_name: /var/log/spqr.log
            log_filename: /var/log/spqr.log
            pgproto_debug: false
            dbpool_cache_ttl: 30s
            dbpool_check_interval: 30s
            dbpool_dead_check_interval: 15s
            use_init_sql: false
            use_coordinator_init: false
            init_sql: examples/init.sql
            exit_on_init_sql: true
            memqdb_backup_path: /var/lib/spqr/memqdb.json
            memqdb_persistent: true
            workload_file: workload.txt
            workload_batch_size: 1000
            frontend_tls: {sslmode: disable, key_file: server.key, cert_file: server.crt, root_cert_file: root.crt}
            frontend_rules:
              - db: db1
                usr: user1
                search_path: app
                pool_mode: SESSION
                pool_discard: false
                pool_rollback: true
                pool_prepared_statement: true
                auth_rule:
                  auth_method: md5
                  password: strong
                  ldap_config: {ldap_auth_mode: UnencryptedMode}
            backend_rules:
              - db: db1
                usr: user1
                auth_rules:
                  sh1: {usr: shard_user, password: sh1-pw}
                auth_rule: {usr: backend_user, password: backend-pw}
                connection_limit: 10
                connection_retries: 2
                connection_timeout: 5s
                keep_alive: 30s
                tcp_user_timeout: 10s
                pulse_check_interval: 5s
            shards:
              sh1:
                type: DATA
                hosts: ['localhost:5432']
                tls: {sslmode: disable, root_cert_file: root.crt}
                db: shard_db
                usr: shard_owner
                pwd: 12345678
              sh2:
                hosts: ['localhost:5433']
            """;

    @Test
    void everyDocumentedSpqrKeyLoadsAndThoseWithAMeaningHereAreHonoured() {
        RouterConfig config = RouterConfig.parse(EVERY_SPQR_KEY, "router.yaml");

        assertThat(config.host()).isEqualTo("localhost");
        assertThat(config.logLevel()).isEqualTo(LogLevel.ERROR);
        assertThat(config.sequenceBlockSize()).isEqualTo(500);
        assertThat(config.defaultRouteBehaviour()).isEqualTo(DefaultRouteBehaviour.ALLOW);
        assertThat(config.commitStrategy()).isEqualTo(CommitStrategy.TWO_PHASE);
        assertThat(config.showNoticeMessages()).isTrue();
        assertThat(RouterConfig.parse(config.toYaml(), "again").showNoticeMessages()).isTrue();
        assertThat(config.frontendRules().getFirst().targetSessionAttrs()).isEqualTo(TargetSessionAttrs.PREFER_STANDBY);
        assertThat(config.frontendRules().getFirst().poolMode()).isEqualTo(PoolMode.SESSION);
        assertThat(config.initSqlFile()).as("use_init_sql: false").isNull();
        assertThat(config.qdbFile()).isEqualTo(Path.of("/var/lib/spqr/memqdb.json"));

        BackendRule rule = config.backendRules().getFirst();
        assertThat(config.loginFor("sh1", "db1", "user1", rule)).isEqualTo(new ShardLogin("shard_db", "shard_owner", "12345678"));
        assertThat(config.loginFor("sh2", "db1", "user1", rule)).isEqualTo(new ShardLogin("db1", "backend_user", "backend-pw"));
        assertThat(rule.loginOn("sh1")).isEqualTo(new ShardLogin(null, "shard_user", "sh1-pw"));
    }

    @Test
    void withoutSpqrKeysTheClientsOwnLoginIsUsed() {
        RouterConfig config = RouterConfig.parse("""
                frontend_rules:
                  - {db: db1, usr: user1, auth_rule: {auth_method: ok}}
                backend_rules:
                  - {db: db1, usr: user1, auth_rule: {auth_method: md5, password: pw}}
                shards:
                  sh1: {hosts: ['localhost:5432']}
                """, "router.yaml");
        assertThat(config.loginFor("sh1", "db1", "user1", config.backendRules().getFirst()))
                .isEqualTo(new ShardLogin("db1", "user1", "pw"));
    }

    @Test
    void spqrsBackendAuthRuleMayNameOnlyTheUser() {
        RouterConfig config = RouterConfig.parse("""
                frontend_rules:
                  - {db: db1, usr: user1, auth_rule: {auth_method: ok}}
                backend_rules:
                  - {db: db1, usr: user1, auth_rule: {usr: owner}}
                shards:
                  sh1: {hosts: ['localhost:5432']}
                """, "router.yaml");
        assertThat(config.loginFor("sh1", "db1", "user1", config.backendRules().getFirst()))
                .isEqualTo(new ShardLogin("db1", "owner", null));
    }

    @Test
    void whatIsReadBackIsWhatWasWritten() {
        RouterConfig config = RouterConfig.parse(EVERY_SPQR_KEY, "router.yaml");
        RouterConfig again = RouterConfig.parse(config.toYaml(), "written.yaml");
        assertThat(again).isEqualTo(config);
    }

    @Test
    void anSpqrKeyAndTheKeyOfOursItMeansAreNotBothGiven() {
        String rules = """
                frontend_rules:
                  - {db: db1, usr: user1, auth_rule: {auth_method: ok}}
                backend_rules:
                  - {db: db1, usr: user1}
                """;
        for (var pair : Map.of("distributed_commit_strategy: 2pc\ncommit_strategy: 2pc\n", "distributed_commit_strategy",
                "identity_range_size: 5\nsequence_block_size: 5\n", "identity_range_size",
                "query_routing: {default_route_behaviour: BLOCK}\ndefault_route_behaviour: BLOCK\n",
                "query_routing.default_route_behaviour").entrySet()) {
            assertThatThrownBy(() -> RouterConfig.parse(pair.getKey() + rules, "router.yaml"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(pair.getValue() + ": means ")
                    .hasMessageContaining("give one of them");
        }
    }

    @Test
    void aKeyNeitherOursNorSpqrsIsStillRefusedByName() {
        assertThatThrownBy(() -> RouterConfig.parse("""
                query_routing: {default_route_behavior: BLOCK}
                frontend_rules:
                  - {db: db1, usr: user1, auth_rule: {auth_method: ok}}
                backend_rules:
                  - {db: db1, usr: user1}
                """, "router.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("router.yaml:1: query_routing.default_route_behavior: unknown key 'default_route_behavior'");
        assertThatThrownBy(() -> RouterConfig.parse("""
                frontend_rules:
                  - {db: db1, usr: user1, auth_rule: {auth_method: ok}}
                backend_rules:
                  - {db: db1, usr: user1, pool_prepared_statements: true}
                """, "router.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("router.yaml:4: backend_rules[0].pool_prepared_statements: unknown key");
    }

    @Test
    void spqrsAuthMethodsWithoutAnEquivalentHereAreRefusedByName() {
        assertThatThrownBy(() -> RouterConfig.parse("""
                frontend_rules:
                  - {db: db1, usr: user1, auth_rule: {auth_method: ldap, ldap_config: {servers: ['ldap://x']}}}
                backend_rules:
                  - {db: db1, usr: user1}
                """, "router.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("router.yaml:2: frontend_rules[0].auth_rule.auth_method: SPQR's ldap is not supported here; "
                        + "use one of ok, clear_text, md5, scram, cert");
    }
}
