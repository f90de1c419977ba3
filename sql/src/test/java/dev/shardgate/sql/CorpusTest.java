package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Runs every statement of corpus.sql through the analyzer and checks its "-- expect:" lines. */
class CorpusTest {
    private static final String EXPECT = "-- expect:";

    record Case(int line, List<String> expectations, String sql) {}

    @Test
    void everyCorpusStatementMeetsItsExpectations() throws IOException {
        List<Case> cases = readCorpus();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(200);
        SqlAnalyzer analyzer = new SqlAnalyzer(1000);
        List<String> failures = new ArrayList<>();
        for (Case corpusCase : cases) {
            Analysis analysis = analyzer.analyze(corpusCase.sql());
            for (String expectation : corpusCase.expectations()) {
                String problem = check(expectation, corpusCase, analysis);
                if (problem != null) {
                    failures.add("line " + corpusCase.line() + ": " + corpusCase.sql().replace('\n', ' ') + "\n    " + problem);
                }
            }
        }
        assertThat(failures).as(String.join("\n", failures)).isEmpty();
    }

    private static String check(String expectation, Case corpusCase, Analysis analysis) {
        if (expectation.equals("error")) {
            return analysis.parseError() != null ? null : "expected a parse error, got " + Rendered.kinds(analysis);
        }
        if (analysis.parseError() != null) {
            return "unexpected parse error: " + analysis.parseError();
        }
        if (expectation.startsWith("kind ")) {
            List<String> kinds = Arrays.stream(expectation.substring(5).split(",")).map(String::strip).toList();
            return kinds.equals(Rendered.kinds(analysis)) ? null : "kinds " + Rendered.kinds(analysis) + ", expected " + kinds;
        }
        if (expectation.equals("tables") || expectation.startsWith("tables ")) {
            Set<String> tables = new LinkedHashSet<>();
            for (String table : expectation.substring("tables".length()).split(",")) {
                if (!table.isBlank()) {
                    tables.add(table.strip());
                }
            }
            Set<String> actual = new LinkedHashSet<>(Rendered.tables(analysis));
            return tables.equals(actual) ? null : "tables " + actual + ", expected " + tables;
        }
        if (expectation.startsWith("key ") || expectation.equals("nokey")) {
            Set<String> expected = new LinkedHashSet<>();
            for (String other : corpusCase.expectations()) {
                if (other.startsWith("key ")) {
                    expected.add(other.substring(4).strip());
                }
            }
            Set<String> actual = new LinkedHashSet<>(Rendered.keys(analysis));
            // Checked once per case: on the first key expectation, or on nokey.
            boolean first = expectation.equals("nokey") || corpusCase.expectations().stream()
                    .filter(e -> e.startsWith("key ")).findFirst().orElseThrow().equals(expectation);
            return !first || expected.equals(actual) ? null : "keys " + actual + ", expected " + expected;
        }
        if (expectation.startsWith("row ") || expectation.equals("norow")) {
            List<String> expected = corpusCase.expectations().stream()
                    .filter(e -> e.startsWith("row ")).map(e -> e.substring(4).strip()).toList();
            boolean first = expectation.equals("norow") || expected.getFirst().equals(expectation.substring(4).strip());
            List<String> actual = Rendered.rows(analysis);
            return !first || expected.equals(actual) ? null : "rows " + actual + ", expected " + expected;
        }
        if (expectation.startsWith("set ")) {
            List<String> actual = analysis.statements().stream()
                    .map(s -> s.set() == null ? "none" : s.set().kind() + " " + s.set().name() + "=" + s.set().value())
                    .toList();
            String expected = expectation.substring(4).strip();
            return actual.equals(List.of(expected)) ? null : "set " + actual + ", expected " + expected;
        }
        return "unknown expectation '" + expectation + "'";
    }

    static List<Case> readCorpus() throws IOException {
        String text;
        try (InputStream in = CorpusTest.class.getResourceAsStream("/corpus.sql")) {
            assertThat(in).as("corpus.sql on the test class path").isNotNull();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Case> cases = new ArrayList<>();
        List<String> expectations = new ArrayList<>();
        StringBuilder sql = new StringBuilder();
        int caseLine = 0;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith(EXPECT)) {
                if (!sql.toString().isBlank()) {
                    cases.add(new Case(caseLine, List.copyOf(expectations), sql.toString().strip()));
                    expectations.clear();
                    sql.setLength(0);
                }
                if (expectations.isEmpty()) {
                    caseLine = i + 1;
                }
                for (String item : line.substring(EXPECT.length()).split(";")) {
                    if (!item.isBlank()) {
                        expectations.add(item.strip());
                    }
                }
            } else if (!expectations.isEmpty()) {
                sql.append(line).append('\n');
            }
        }
        if (!sql.toString().isBlank()) {
            cases.add(new Case(caseLine, List.copyOf(expectations), sql.toString().strip()));
        }
        return cases;
    }
}
