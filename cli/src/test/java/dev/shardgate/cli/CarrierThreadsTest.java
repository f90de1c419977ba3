package dev.shardgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CarrierThreadsTest {
    private String parallelism;
    private String readPollers;

    @BeforeEach
    void rememberProperties() {
        parallelism = System.clearProperty(CarrierThreads.PARALLELISM);
        readPollers = System.clearProperty(CarrierThreads.READ_POLLERS);
    }

    @AfterEach
    void restoreProperties() {
        restore(CarrierThreads.PARALLELISM, parallelism);
        restore(CarrierThreads.READ_POLLERS, readPollers);
    }

    @Test
    void halfTheProcessorsCarryVirtualThreadsAndAtLeastOne() {
        assertThat(CarrierThreads.defaultParallelism(1)).isEqualTo(1);
        assertThat(CarrierThreads.defaultParallelism(2)).isEqualTo(1);
        assertThat(CarrierThreads.defaultParallelism(3)).isEqualTo(1);
        assertThat(CarrierThreads.defaultParallelism(8)).isEqualTo(4);
    }

    @Test
    void defaultsAreSetWhenTheOperatorSetNone() {
        CarrierThreads.applyDefaults(2);

        assertThat(System.getProperty(CarrierThreads.PARALLELISM)).isEqualTo("1");
        assertThat(System.getProperty(CarrierThreads.READ_POLLERS)).isEqualTo("1");
    }

    @Test
    void theOperatorsSettingsWinAndReadPollersFollowParallelismAsAPowerOfTwo() {
        System.setProperty(CarrierThreads.PARALLELISM, "6");

        CarrierThreads.applyDefaults(2);

        assertThat(System.getProperty(CarrierThreads.PARALLELISM)).isEqualTo("6");
        assertThat(System.getProperty(CarrierThreads.READ_POLLERS)).isEqualTo("4");

        System.setProperty(CarrierThreads.READ_POLLERS, "8");
        CarrierThreads.applyDefaults(2);
        assertThat(System.getProperty(CarrierThreads.READ_POLLERS)).isEqualTo("8");
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}
