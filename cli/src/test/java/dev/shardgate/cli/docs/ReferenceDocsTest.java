package dev.shardgate.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.coordinator.config.CoordinatorConfig;
import dev.shardgate.router.config.RouterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The operator's references stay true to the code: every key the config readers accept is in
 * docs/configuration.md, every console statement, keyword and SHOW target of the grammar and the
 * executors is in docs/console.md. A failure names what is missing, so adding a key or a statement
 * without documenting it fails the build.
 */
class ReferenceDocsTest {
    private static final Path ROOT = repositoryRoot();

    @Test
    void everyRouterYamlKeyIsInTheConfigurationReference() throws IOException {
        assertAllDocumented(RouterConfig.knownKeys(), "docs/configuration.md", key -> "`" + key + "`",
                "router.yaml key");
    }

    @Test
    void everyCoordinatorYamlKeyIsInTheConfigurationReference() throws IOException {
        assertAllDocumented(CoordinatorConfig.knownKeys(), "docs/configuration.md", key -> "`" + key + "`",
                "coordinator.yaml key");
    }

    @Test
    void everyStatementOfTheGrammarIsInTheConsoleReference() throws IOException {
        assertAllDocumented(statementPrefixes(grammar()), "docs/console.md", prefix -> prefix, "console statement");
    }

    @Test
    void everyKeywordOfTheGrammarIsInTheConsoleReference() throws IOException {
        List<String> keywords = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^([A-Z]+): '([a-z]+)';").matcher(grammar());
        while (m.find()) {
            keywords.add(m.group(1));
        }
        assertThat(keywords).as("keywords read from the grammar").contains("SHOW", "REDISTRIBUTE");
        String doc = read("docs/console.md");
        List<String> missing = keywords.stream()
                .filter(k -> !Pattern.compile("\\b" + k + "\\b").matcher(doc).find()).toList();
        assertThat(missing).as("console keywords missing from docs/console.md").isEmpty();
    }

    @Test
    void everyShowTargetIsInTheConsoleReference() throws IOException {
        List<String> targets = new ArrayList<>(ConsoleExecutor.showTargets());
        targets.addAll(Coordinator.ownShowTargets());
        assertAllDocumented(targets, "docs/console.md", target -> "SHOW " + target, "SHOW target");
    }

    @Test
    void theReadmeIndexLinksTheConsoleReference() throws IOException {
        assertThat(read("README.md")).contains("(docs/console.md)", "(docs/configuration.md)");
    }

    /**
     * The leading keywords of each alternative of the grammar's {@code statement} rule, as a user
     * types them: {@code createKeyRange: CREATE KEY RANGE id? …} gives "CREATE KEY RANGE".
     */
    static List<String> statementPrefixes(String grammar) {
        Matcher statement = Pattern.compile("(?s)\\nstatement\\s*:(.*?);").matcher(grammar);
        assertThat(statement.find()).as("the grammar's statement rule").isTrue();
        Set<String> prefixes = new LinkedHashSet<>();
        for (String alternative : statement.group(1).split("\\|")) {
            String rule = alternative.trim();
            Matcher body = Pattern.compile("(?s)\\n" + rule + "\\s*:(.*?)\\n\\s*;").matcher(grammar);
            assertThat(body.find()).as("rule " + rule).isTrue();
            List<String> words = new ArrayList<>();
            for (String token : body.group(1).trim().split("\\s+")) {
                if (!token.matches("[A-Z]+")) {
                    break;
                }
                words.add(token);
            }
            assertThat(words).as("leading keywords of " + rule).isNotEmpty();
            prefixes.add(String.join(" ", words));
        }
        return List.copyOf(prefixes);
    }

    private static void assertAllDocumented(List<String> names, String doc, java.util.function.Function<String, String> spelling,
                                            String what) throws IOException {
        assertThat(names).as(what + "s from the code").isNotEmpty();
        String text = read(doc);
        List<String> missing = names.stream().filter(name -> !text.contains(spelling.apply(name))).toList();
        assertThat(missing).as(what + "s missing from " + doc + " (written as " + spelling.apply("<name>") + ")")
                .isEmpty();
    }

    private static String grammar() throws IOException {
        return read("console/src/main/antlr4/dev/shardgate/console/parse/ConsoleSyntax.g4");
    }

    private static String read(String file) throws IOException {
        return Files.readString(ROOT.resolve(file));
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        return Stream.iterate(dir, p -> p != null, Path::getParent)
                .filter(p -> Files.isRegularFile(p.resolve("docs/configuration.md")) && Files.isDirectory(p.resolve("console")))
                .findFirst().orElseThrow(() -> new IllegalStateException("no repository root above " + dir));
    }
}
