package dev.shardgate.console.ast;

/**
 * One column of a distribution key.
 *
 * @param hashFunction lower-case as written ({@code murmur}, {@code city}, {@code ident}, …), or
 *                     null when the statement names none; the executor validates it
 */
public record DistributionKeyColumn(String column, String hashFunction) implements KeyEntry {
}
