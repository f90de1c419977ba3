package dev.shardgate.router.config;

import dev.shardgate.wire.tls.FrontendTlsSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.wire.tls.SslMode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** frontend_tls, require_tls, auth_method cert and a shard's tls section: read, written back, checked. */
class RouterConfigTlsTest {
    private static final String TLS = """
            frontend_tls:
              sslmode: verify-ca
              cert_file: /etc/shardgate/server.crt
              key_file: /etc/shardgate/server.key
              root_cert_file: /etc/shardgate/clients-ca.crt
              min_protocol: TLSv1.3
              ciphers: [TLS_AES_256_GCM_SHA384]
            """;
    private static final String RULES = """
            frontend_rules:
              - db: mydb
                usr: myuser
                require_tls: true
                auth_rule:
                  auth_method: cert
            backend_rules:
              - db: mydb
                usr: myuser
            shards:
              sh1:
                hosts: [pg1:5432]
                tls:
                  sslmode: verify-full
                  root_cert_file: /etc/shardgate/shards-ca.crt
            """;

    @Test
    void tlsSectionsAreReadAndWrittenBack() {
        RouterConfig config = RouterConfig.parse(TLS + RULES, "router.yaml");

        assertThat(config.frontendTls().mode()).isEqualTo(SslMode.VERIFY_CA);
        assertThat(config.frontendTls().files().rootCertFile()).isEqualTo(Path.of("/etc/shardgate/clients-ca.crt"));
        assertThat(config.frontendTls().files().protocols()).containsExactly("TLSv1.3");
        assertThat(config.frontendTls().files().ciphers()).isEqualTo(List.of("TLS_AES_256_GCM_SHA384"));
        assertThat(config.frontendRules().getFirst().requireTls()).isTrue();
        assertThat(config.frontendRules().getFirst().authRule().method()).isEqualTo(AuthMethod.CERT);
        assertThat(config.shards().get("sh1").tls())
                .isEqualTo(new ShardTlsSettings(SslMode.VERIFY_FULL, Path.of("/etc/shardgate/shards-ca.crt"), null, null));
        assertThat(RouterConfig.parse(config.toYaml(), "written.yaml")).isEqualTo(config);
    }

    @Test
    void tlsIsOffUnlessConfigured() {
        RouterConfig config = RouterConfig.parse(RULES.replace("require_tls: true", "pool_default: false")
                .replace("auth_method: cert", "auth_method: ok"), "router.yaml");
        assertThat(config.frontendTls()).isEqualTo(FrontendTlsSettings.DISABLED);
        assertThat(config.frontendRules().getFirst().requireTls()).isFalse();
    }

    @Test
    void ruleRequiringTlsNeedsFrontendTls() {
        assertThatThrownBy(() -> RouterConfig.parse(RULES.replace("auth_method: cert", "auth_method: ok"), "router.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("frontend_rules[0].require_tls: needs frontend_tls with an sslmode other than disable");
    }

    @Test
    void certAuthenticationNeedsTheClientsCa() {
        assertThatThrownBy(() -> RouterConfig.parse(TLS.replace("sslmode: verify-ca", "sslmode: prefer")
                        .replace("  root_cert_file: /etc/shardgate/clients-ca.crt\n", "") + RULES, "router.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("frontend_rules[0].auth_rule: auth_method cert needs frontend_tls with root_cert_file");
    }

    @Test
    void frontendTlsNeedsCertificateAndKey() {
        assertThatThrownBy(() -> RouterConfig.parse(TLS.replace("  key_file: /etc/shardgate/server.key\n", "") + RULES,
                        "router.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("frontend_tls.key_file");
    }

    @Test
    void allowIsRefusedTowardsShards() {
        assertThatThrownBy(() -> RouterConfig.parse(TLS + RULES.replace("sslmode: verify-full", "sslmode: allow"), "router.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("allow is not supported towards shards");
    }

    private static final String SHARD_TLS = """
            shard_tls:
              sslmode: verify-ca
              root_cert_file: /etc/shardgate/default-ca.crt
            """;

    @Test
    void shardTlsIsTheDefaultOfShardsWithoutTheirOwnAndWrittenBack() {
        RouterConfig config = RouterConfig.parse(TLS + SHARD_TLS + RULES + """
                  sh2:
                    hosts: [pg2:5432]
                  sh3:
                    hosts: [pg3:5432]
                    tls:
                      sslmode: disable
                """, "router.yaml");

        ShardTlsSettings byDefault = new ShardTlsSettings(SslMode.VERIFY_CA, Path.of("/etc/shardgate/default-ca.crt"), null, null);
        assertThat(config.shardTls()).isEqualTo(byDefault);
        assertThat(config.shards().get("sh1").tls())
                .isEqualTo(new ShardTlsSettings(SslMode.VERIFY_FULL, Path.of("/etc/shardgate/shards-ca.crt"), null, null));
        assertThat(config.shards().get("sh2").tls()).isEqualTo(byDefault);
        assertThat(config.shards().get("sh3").tls()).isEqualTo(ShardTlsSettings.DISABLED);
        assertThat(RouterConfig.parse(config.toYaml(), "written.yaml")).isEqualTo(config);
    }

    @Test
    void withoutShardTlsOtherShardsArePlain() {
        assertThat(RouterConfig.parse(TLS + RULES, "router.yaml").shardTls()).isEqualTo(ShardTlsSettings.DISABLED);
    }

    @Test
    void allowIsRefusedInShardTlsNamingIt() {
        assertThatThrownBy(() -> RouterConfig.parse(TLS + SHARD_TLS.replace("verify-ca", "allow") + RULES, "router.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("shard_tls.sslmode").hasMessageContaining("allow is not supported towards shards");
    }

    @Test
    void shardTlsTakesOnlyTheKeysOfAShardsTls() {
        assertThatThrownBy(() -> RouterConfig.parse(TLS + SHARD_TLS + "  min_protocol: TLSv1.3\n" + RULES, "router.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("min_protocol");
    }
}
