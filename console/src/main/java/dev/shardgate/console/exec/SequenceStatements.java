package dev.shardgate.console.exec;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.qdb.SequenceValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * DROP SEQUENCE and SHOW sequences. A sequence exists while a relation uses it (metadata) or once
 * a router took values of it (the QDB's key-value area, see {@link SequenceValues}); detaching the
 * relation keeps its values, so that attaching it again goes on where it stopped.
 */
final class SequenceStatements {
    private SequenceStatements() {
    }

    /**
     * Checks the drop against the metadata as the query's earlier statements left it.
     *
     * @throws MetadataException 2BP01 while a relation uses the sequence, 42704 when there is no such sequence
     */
    static void checkDrop(Qdb qdb, Metadata draft, String name) {
        requireUnused(draft, name);
        boolean known = qdb.snapshot().sequenceUse(name).isPresent() || SequenceValues.next(qdb, name).isPresent();
        if (!known) {
            throw new MetadataException(MetadataException.UNDEFINED_OBJECT, "sequence \"" + name + "\" does not exist");
        }
    }

    /** Runs a planned drop once the query's metadata changes are stored; checks again against them. */
    static ConsoleResult drop(Qdb qdb, Metadata after, String name) {
        requireUnused(after, name);
        SequenceValues.drop(qdb, name);
        return new ConsoleResult.Done("DROP SEQUENCE");
    }

    private static void requireUnused(Metadata metadata, String name) {
        metadata.sequenceUse(name).ifPresent(use -> {
            throw new MetadataException(MetadataException.DEPENDENT_OBJECTS_STILL_EXIST,
                    "cannot drop sequence \"" + name + "\" because column \"" + use.column().column()
                            + "\" of relation \"" + use.relation() + "\" uses it; detach the relation first");
        });
    }

    /**
     * One row per sequence: name, relation and column it fills (null when no relation uses it), and
     * the next value no router has taken (routers may still hold values below it in their blocks).
     */
    static List<List<String>> rows(Metadata metadata, Qdb qdb) {
        SortedMap<String, Metadata.SequenceUse> uses = metadata.sequenceUses();
        SortedMap<String, Long> stored = SequenceValues.all(qdb);
        TreeSet<String> names = new TreeSet<>(uses.keySet());
        names.addAll(stored.keySet());
        List<List<String>> rows = new ArrayList<>(names.size());
        for (String name : names) {
            Metadata.SequenceUse use = uses.get(name);
            Long value = stored.get(name);
            if (use == null) {
                rows.add(Arrays.asList(name, null, null, Long.toString(value)));
                continue;
            }
            long start = use.column().start();
            long next = value == null ? start : Math.max(value, start);
            rows.add(Arrays.asList(name, relationLabel(use.relation()), use.column().column(), Long.toString(next)));
        }
        return rows;
    }

    /** As sequence names write it: without the schema when it is public. */
    private static String relationLabel(QualifiedName name) {
        return name.schema().equals(QualifiedName.DEFAULT_SCHEMA) ? name.name() : name.toString();
    }
}
