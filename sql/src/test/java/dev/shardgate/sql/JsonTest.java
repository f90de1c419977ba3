package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void readsObjectsArraysAndScalars() {
        Object value = Json.parse(" {\"a\": [1, -2, 3.5, 1e3, true, false, null], \"b\": {\"c\": \"d\"}, \"e\": {}} ");

        assertThat(value).isEqualTo(Map.of(
                "a", java.util.Arrays.asList(1L, -2L, 3.5, 1000.0, true, false, null),
                "b", Map.of("c", "d"),
                "e", Map.of()));
    }

    @Test
    void keepsMemberOrder() {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) Json.parse("{\"z\":1,\"a\":2,\"m\":3}");

        assertThat(map.keySet()).containsExactly("z", "a", "m");
    }

    @Test
    void decodesEscapes() {
        assertThat(Json.parse("\"q\\\" b\\\\ s\\/ \\n\\t\\r\\b\\f \\u00e9 \\ud83d\\ude00\"")).isEqualTo("q\" b\\ s/ \n\t\r\b\f é 😀");
    }

    @Test
    void readsNumbersBeyondLongAsDouble() {
        assertThat(Json.parse("123456789012345678901234")).isEqualTo(1.2345678901234568E23);
    }

    @Test
    void readsEmptyArrays() {
        assertThat(Json.parse("[]")).isEqualTo(List.of());
    }

    @Test
    void refusesDocumentsNestedDeeperThanTheLimit() {
        String deepest = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        String tooDeep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        Thread reader = Thread.ofPlatform().stackSize(ParserThreads.STACK_BYTES).unstarted(() -> {
            assertThat(Json.parse(deepest)).isInstanceOf(List.class);
            assertThatThrownBy(() -> Json.parse(tooDeep)).isInstanceOf(Json.TooDeep.class);
            assertThat(Json.parse("{\"a\":" + "[{},".repeat(10) + "1" + "]".repeat(10) + "}")).isInstanceOf(Map.class);
        });
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        reader.setUncaughtExceptionHandler((thread, e) -> failure.set(e));
        reader.start();
        try {
            reader.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(failure.get()).isNull();
    }

    @Test
    void rejectsMalformedInputWithItsOffset() {
        for (String bad : List.of("", "{", "{\"a\" 1}", "[1,]", "[1 2]", "\"open", "tru", "{\"a\":1} x", "\"\\x\"", "-", "{1:2}")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("malformed JSON at offset");
        }
    }
}
