package dev.shardgate.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SequenceBlockSizeConfigTest {
    private static final String RULES = """
            frontend_rules:
              - {db: mydb, usr: myuser, auth_rule: {auth_method: ok}}
            backend_rules:
              - {db: mydb, usr: myuser}
            """;

    @Test
    void defaultsToAHundredAndIsReadAndWritten() {
        assertThat(RouterConfig.parse(RULES, "router.yaml").sequenceBlockSize()).isEqualTo(100);
        RouterConfig config = RouterConfig.parse("sequence_block_size: 5000\n" + RULES, "router.yaml");
        assertThat(config.sequenceBlockSize()).isEqualTo(5000);
        assertThat(RouterConfig.parse(config.toYaml(), "written.yaml")).isEqualTo(config);
    }

    @Test
    void refusesSizesOutsideOneToAMillionNamingTheKey() {
        assertThatThrownBy(() -> RouterConfig.parse("sequence_block_size: 0\n" + RULES, "router.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sequence_block_size")
                .hasMessageContaining("must be an integer between 1 and 1000000");
        RouterConfig valid = RouterConfig.parse(RULES, "router.yaml");
        assertThatThrownBy(() -> valid.toBuilder().sequenceBlockSize(2_000_000).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sequence_block_size");
    }
}
