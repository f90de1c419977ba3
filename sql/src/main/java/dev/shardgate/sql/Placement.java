package dev.shardgate.sql;

import java.util.List;

/**
 * Where the rows of a relation a statement names live, as the router's metadata says; what the
 * co-location analysis ({@link CoLocation}) needs to know of each table.
 */
public sealed interface Placement {

    /**
     * Rows spread over shards by a key.
     *
     * @param distribution the distribution the relation belongs to: equal keys of relations of one
     *     distribution live on one shard
     * @param keyColumns the key columns, in the distribution's order
     * @param hashes for each key column, how its value becomes the distribution's key (relations
     *     whose key columns hash differently do not place equal values together)
     */
    record Distributed(String distribution, List<String> keyColumns, List<String> hashes) implements Placement {
        public Distributed {
            keyColumns = List.copyOf(keyColumns);
            hashes = List.copyOf(hashes);
        }

        boolean placesLike(Distributed other) {
            return distribution.equals(other.distribution) && hashes.equals(other.hashes);
        }
    }

    /** A full copy on every shard the statement runs on. */
    record Reference() implements Placement {
    }

    /** Anything else: a view, a table the router does not know, a reference relation missing from a shard. */
    record Other() implements Placement {
    }

    /** The placement of each table a statement names. */
    @FunctionalInterface
    interface Lookup {
        Placement of(TableRef table);
    }
}
