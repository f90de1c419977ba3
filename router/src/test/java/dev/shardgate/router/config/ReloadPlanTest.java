package dev.shardgate.router.config;

import dev.shardgate.wire.tls.FrontendTlsSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What RELOAD answers and puts in force for a changed router.yaml. */
class ReloadPlanTest {
    private static RouterConfig.Builder running() {
        return RouterConfig.builder()
                .frontendRule(FrontendRule.of("app", "alice", new AuthRule(AuthMethod.MD5, "alice-secret")))
                .frontendRule(FrontendRule.console("admin", new AuthRule(AuthMethod.CLEAR_TEXT, "console-secret")))
                .backendRule(BackendRule.of("app", "alice", new AuthRule(AuthMethod.CLEAR_TEXT, "shard-secret")))
                .shard("sh1", ShardConfig.data("pg1:5432"));
    }

    private static List<String> rows(ReloadPlan plan) {
        return plan.changes().stream()
                .map(c -> c.key() + ": " + c.oldValue() + " -> " + c.newValue() + " (" + c.status() + ")").toList();
    }

    @Test
    void anUnchangedFileChangesNothing() {
        RouterConfig config = running().build();

        ReloadPlan plan = ReloadPlan.between(config, RouterConfig.parse(config.toYaml(), "router.yaml"), "router.yaml");

        assertThat(plan.changes()).isEmpty();
        assertThat(plan.applied()).isEqualTo(config);
    }

    @Test
    void liveKeysApplyAndRestartKeysKeepTheirRunningValue() {
        RouterConfig config = running().build();
        RouterConfig read = running().routerPort(7777).poolWaitTimeout(Duration.ofSeconds(3)).logLevel(LogLevel.DEBUG)
                .pauseTimeout(Duration.ofSeconds(7)).maxIntermediateResultSize(64L << 20)
                .defaultRouteBehaviour(DefaultRouteBehaviour.ALLOW).shard("sh2", ShardConfig.data("pg2:5432"))
                .build();

        ReloadPlan plan = ReloadPlan.between(config, read, "router.yaml");

        assertThat(rows(plan)).containsExactly(
                "router_port: 6432 -> 7777 (needs restart)",
                "log_level: info -> debug (applied)",
                "default_route_behaviour: BLOCK -> ALLOW (applied)",
                "max_intermediate_result_size: 1GB -> 64MB (applied)",
                "pool_wait_timeout: 10s -> 3s (applied)",
                "pause_timeout: 2min -> 7s (applied)",
                "shards.sh2: (none) -> hosts=[pg2:5432] type=DATA tls=disable (needs restart)");
        assertThat(plan.applied().routerPort()).isEqualTo(6432);
        assertThat(plan.applied().shards()).containsOnlyKeys("sh1");
        assertThat(plan.applied().poolWaitTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(plan.applied().pauseTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(plan.applied().maxIntermediateResultSize()).isEqualTo(64L << 20);
        assertThat(plan.applied().logLevel()).isEqualTo(LogLevel.DEBUG);
    }

    @Test
    void rulesAreComparedByTheirPairAndPasswordsNeverShow() {
        RouterConfig config = running().build();
        RouterConfig read = RouterConfig.builder()
                .frontendRule(FrontendRule.of("app", "alice", new AuthRule(AuthMethod.MD5, "new-alice-secret")))
                .frontendRule(FrontendRule.of("app", "bob", new AuthRule(AuthMethod.SCRAM, "bob-secret")))
                .frontendRule(FrontendRule.console("admin", new AuthRule(AuthMethod.CLEAR_TEXT, "console-secret")))
                .backendRule(new BackendRule("app", "alice", 5, false, true, new AuthRule(AuthMethod.CLEAR_TEXT, "shard-secret"), false))
                .backendRule(BackendRule.of("app", "bob", AuthRule.ok()))
                .shard("sh1", ShardConfig.data("pg1:5432"))
                .build();

        ReloadPlan plan = ReloadPlan.between(config, read, "router.yaml");

        assertThat(rows(plan)).containsExactly(
                "frontend_rules[db=app,usr=alice]: pool_mode=TRANSACTION auth_method=md5 require_tls=false "
                        + "target_session_attrs=read-write read_your_writes=false -> pool_mode=TRANSACTION auth_method=md5 "
                        + "require_tls=false target_session_attrs=read-write read_your_writes=false (password changed) (applied)",
                "frontend_rules[db=app,usr=bob]: (none) -> pool_mode=TRANSACTION auth_method=scram require_tls=false "
                        + "target_session_attrs=read-write read_your_writes=false (applied)",
                "backend_rules[db=app,usr=alice]: connection_limit=50 pool_discard=false pool_rollback=true "
                        + "auth_method=clear_text -> connection_limit=5 pool_discard=false pool_rollback=true "
                        + "auth_method=clear_text (applied)",
                "backend_rules[db=app,usr=bob]: (none) -> connection_limit=50 pool_discard=false pool_rollback=true "
                        + "auth_method=ok (applied)");
        assertThat(String.join("\n", rows(plan))).doesNotContain("secret");
        assertThat(plan.applied().frontendRuleFor("app", "bob")).isPresent();
        assertThat(plan.applied().backendRuleFor("app", "alice").orElseThrow().connectionLimit()).isEqualTo(5);
    }

    @Test
    void sectionsWithSecretsShowThatTheyChangedNotWhatTheyHold() {
        RouterConfig config = running().build();
        RouterConfig read = running()
                .health(HealthSettings.DEFAULTS.withCredentials("monitor", "postgres", "monitor-secret")).build();

        ReloadPlan plan = ReloadPlan.between(config, read, "router.yaml");

        assertThat(rows(plan)).containsExactly("health_check:  -> (section) (needs restart)");
    }

    @Test
    void newValuesThatDoNotFitTheKeptOnesAreRefused() {
        // require_tls can be applied live, but frontend_tls (off here) only at a restart: together they do not check
        RouterConfig config = running().build();
        RouterConfig read = RouterConfig.builder()
                .frontendTls(new FrontendTlsSettings(dev.shardgate.wire.tls.SslMode.REQUIRE,
                        new dev.shardgate.wire.tls.ServerTlsSettings(java.nio.file.Path.of("server.crt"),
                                java.nio.file.Path.of("server.key"), null, "TLSv1.2", List.of())))
                .frontendRule(new FrontendRule("app", "alice", PoolMode.TRANSACTION, AuthRule.ok(), false, true))
                .backendRule(BackendRule.of("app", "alice", AuthRule.ok()))
                .shard("sh1", ShardConfig.data("pg1:5432"))
                .build();

        assertThatThrownBy(() -> ReloadPlan.between(config, read, "router.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("router.yaml")
                .hasMessageContaining("require_tls: needs frontend_tls");
    }

    @Test
    void everyTopLevelKeyIsCompared() {
        assertThat(ReloadPlan.comparedKeys()).containsAll(RouterConfigReader.TOP_KEYS);
    }

    @Test
    void aShardLoginShowsItsUserButNeverItsPassword() {
        java.util.function.Function<String, RouterConfig> withShardPassword = password -> RouterConfig.builder()
                .frontendRule(FrontendRule.of("app", "alice", AuthRule.ok()))
                .backendRule(new BackendRule("app", "alice", 50, false, true, AuthRule.ok(), false, ShardLogin.CLIENTS,
                        java.util.Map.of("sh1", new ShardLogin(null, "svc", password))))
                .shard("sh1", ShardConfig.data("pg1:5432"))
                .build();

        ReloadPlan plan = ReloadPlan.between(withShardPassword.apply("old-secret"), withShardPassword.apply("new-secret"),
                "router.yaml");

        assertThat(rows(plan)).containsExactly("backend_rules[db=app,usr=alice]: connection_limit=50 pool_discard=false "
                + "pool_rollback=true auth_method=ok auth_rules=[sh1:svc] -> connection_limit=50 pool_discard=false "
                + "pool_rollback=true auth_method=ok auth_rules=[sh1:svc] (password changed) (applied)");
    }
}
