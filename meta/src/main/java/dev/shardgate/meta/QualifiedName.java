package dev.shardgate.meta;

import java.util.Comparator;

/**
 * A relation's schema and name. A missing schema means {@code public}, so {@code orders} and
 * {@code public.orders} are the same relation. Names are kept as given: folding unquoted
 * identifiers to lower case is the SQL parser's job.
 */
public record QualifiedName(String schema, String name) implements Comparable<QualifiedName> {
    public static final String DEFAULT_SCHEMA = "public";

    private static final Comparator<QualifiedName> ORDER =
            Comparator.comparing(QualifiedName::schema).thenComparing(QualifiedName::name);

    public QualifiedName {
        if (schema == null) {
            schema = DEFAULT_SCHEMA;
        }
        MetadataException.requireName(schema, "schema name");
        MetadataException.requireName(name, "relation name");
    }

    public static QualifiedName of(String name) {
        return new QualifiedName(null, name);
    }

    /** {@code orders} or {@code sales.orders}; more dots or an empty part is an error (42602). */
    public static QualifiedName parse(String text) {
        String[] parts = text == null ? new String[0] : text.split("\\.", -1);
        boolean valid = (parts.length == 1 || parts.length == 2)
                && java.util.Arrays.stream(parts).noneMatch(String::isBlank);
        if (!valid) {
            throw new MetadataException(MetadataException.INVALID_NAME,
                    "invalid relation name " + MetadataException.quote(String.valueOf(text)));
        }
        return parts.length == 1 ? of(parts[0]) : new QualifiedName(parts[0], parts[1]);
    }

    /** Always schema-qualified: {@code public.orders}. */
    @Override
    public String toString() {
        return schema + "." + name;
    }

    @Override
    public int compareTo(QualifiedName other) {
        return ORDER.compare(this, other);
    }
}
