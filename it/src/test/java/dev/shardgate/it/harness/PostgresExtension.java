package dev.shardgate.it.harness;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Resolves {@link PostgresServers} parameters for classes annotated with {@link RealPostgres}.
 *
 * <p>Servers are started on first use and kept in the root context's store, keyed by count and
 * auth: every class asking for the same pair gets the same servers, and JUnit closes them
 * (AutoCloseable store values) when the whole run ends, also after failures.
 */
public final class PostgresExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresExtension.class);

    /** Short and under /tmp: unix socket paths are limited to 107 bytes. */
    static final Path BASE_DIR = Path.of("/tmp", "shardgate-it");

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PostgresServers.class;
    }

    @Override
    public PostgresServers resolveParameter(ParameterContext parameter, ExtensionContext context) {
        RealPostgres request = requestOf(context).orElseThrow(() -> new ParameterResolutionException(
                "PostgresServers needs @RealPostgres on the test class " + context.getTestClass().map(Class::getName).orElse("?")));
        if (request.servers() < 1) {
            throw new ParameterResolutionException("@RealPostgres(servers = " + request.servers() + ") must ask for at least one server");
        }
        String key = "servers=" + request.servers() + " auth=" + request.auth()
                + (request.settings().length == 0 ? "" : " settings=" + String.join(",", request.settings()));
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(key,
                ignored -> PostgresServers.start(BASE_DIR, request.servers(), request.auth(), settingsOf(request)),
                PostgresServers.class);
    }

    private static java.util.Map<String, String> settingsOf(RealPostgres request) {
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
        for (String line : request.settings()) {
            int eq = line.indexOf('=');
            if (eq < 1) {
                throw new ParameterResolutionException("@RealPostgres setting \"" + line + "\" is not name=value");
            }
            settings.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return settings;
    }

    /** The annotation of the test class or, for @Nested classes, of the nearest enclosing one. */
    private static Optional<RealPostgres> requestOf(ExtensionContext context) {
        for (Class<?> type = context.getTestClass().orElse(null); type != null; type = type.getEnclosingClass()) {
            Optional<RealPostgres> found = AnnotationSupport.findAnnotation(type, RealPostgres.class);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }
}
