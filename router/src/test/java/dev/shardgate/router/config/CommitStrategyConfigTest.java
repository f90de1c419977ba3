package dev.shardgate.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.router.route.RoutingHints;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import org.junit.jupiter.api.Test;

class CommitStrategyConfigTest {
    private static final String RULES = """
            frontend_rules:
              - {db: mydb, usr: myuser, auth_rule: {auth_method: ok}}
            backend_rules:
              - {db: mydb, usr: myuser}
            """;

    @Test
    void commitStrategyAndRouterIdAreReadWrittenAndNameTransactions() {
        RouterConfig config = RouterConfig.parse("commit_strategy: 2pc\nrouter_id: r7\n" + RULES, "router.yaml");
        assertThat(config.commitStrategy()).isEqualTo(CommitStrategy.TWO_PHASE);
        assertThat(config.twoPhaseId()).isEqualTo("r7");
        assertThat(RouterConfig.parse(config.toYaml(), "written.yaml")).isEqualTo(config);
    }

    @Test
    void withoutRouterIdTheListenAddressNamesTheRouterStably() {
        RouterConfig config = RouterConfig.parse("host: 10.0.0.5\nrouter_port: 6543\n" + RULES, "router.yaml");
        assertThat(config.commitStrategy()).isEqualTo(CommitStrategy.BEST_EFFORT);
        assertThat(config.twoPhaseId()).isEqualTo("10005p6543");
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> RouterConfig.parse("commit_strategy: 3pc\n" + RULES, "router.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("commit_strategy");
        assertThatThrownBy(() -> RouterConfig.parse("router_id: a_b\n" + RULES, "router.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("router_id");
    }

    @Test
    void theSessionHintTakesSpqrSpellings() {
        assertThat(RoutingHints.parseCommitStrategy("2PC")).isEqualTo(CommitStrategy.TWO_PHASE);
        assertThat(RoutingHints.parseCommitStrategy("best-effort")).isEqualTo(CommitStrategy.BEST_EFFORT);
        assertThat(RoutingHints.parseCommitStrategy("1pc")).isEqualTo(CommitStrategy.BEST_EFFORT);
        RoutingHints hints = new RoutingHints();
        assertThatThrownBy(() -> hints.set(RoutingHints.COMMIT_STRATEGY, "3pc"))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.sqlState()).isEqualTo(SqlState.INVALID_PARAMETER_VALUE));
        hints.set("__SPQR__COMMIT_STRATEGY", "2pc");
        assertThat(hints.get(RoutingHints.COMMIT_STRATEGY)).contains("2pc");
    }
}
