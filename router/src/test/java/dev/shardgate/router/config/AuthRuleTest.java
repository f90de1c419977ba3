package dev.shardgate.router.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthRuleTest {
    @Test
    void toStringHidesThePassword() {
        var rule = new AuthRule(AuthMethod.MD5, "hunter2");

        assertThat(rule.toString()).isEqualTo("AuthRule[method=md5, password=<hidden>]");
        assertThat(AuthRule.ok().toString()).isEqualTo("AuthRule[method=ok, password=<none>]");
    }

    @Test
    void rulesAndWholeConfigDoNotLeakPasswords() {
        RouterConfig config = RouterConfig.builder()
                .frontendRule(FrontendRule.of("mydb", "myuser", new AuthRule(AuthMethod.SCRAM, "front-secret")))
                .backendRule(BackendRule.poolDefault(new AuthRule(AuthMethod.MD5, "back-secret")))
                .frontendRule(FrontendRule.console("admin", new AuthRule(AuthMethod.CLEAR_TEXT, "console-secret")))
                .build();

        assertThat(config.toString()).doesNotContain("front-secret", "back-secret", "console-secret");
        assertThat(config.toYaml()).contains("front-secret", "back-secret", "console-secret");
    }
}
