package dev.shardgate.it.harness;

import dev.shardgate.cli.postgres.AuthMethod;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test class needs real PostgreSQL servers: {@link PostgresServers} can then be a parameter
 * of its constructor, lifecycle and test methods. Classes asking for the same count and auth
 * share the servers, which live until the end of the test run; each test makes its own users
 * and databases on them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(PostgresExtension.class)
public @interface RealPostgres {

    int servers() default 1;

    /** How TCP connections from 127.0.0.1 authenticate. */
    AuthMethod auth() default AuthMethod.TRUST;

    /**
     * Extra postgresql.conf lines, each {@code name=value} (e.g. {@code max_prepared_transactions=20});
     * classes share servers only when they ask for the same settings too.
     */
    String[] settings() default {};
}
