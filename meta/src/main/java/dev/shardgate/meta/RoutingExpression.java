package dev.shardgate.meta;

import java.io.ByteArrayOutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * SPQR's routing expression {@code MURMUR [c1 INTEGER, c2 VARCHAR]}: one distribution key entry
 * made of several columns, whose key is a single unsigned 32-bit hash, so the distribution's
 * column type at its position must be a hashed one.
 *
 * <p>The hash is SPQR's: each column's value is hashed by {@link #hash} as its type says (an
 * integer's varint bytes, a varchar's UTF-8 bytes; see {@link HashFunction}); each of those 32-bit
 * hashes is written as an integer is written for hashing (an unsigned varint zero-padded to 8
 * bytes); and the concatenation, in the expression's column order, is hashed once more by the same
 * function. Integer and varchar columns may be spelled with or without {@code HASH}: SPQR's
 * {@code INT HASH} and {@code VARCHAR HASH} hash the same bytes.
 *
 * @param columns the columns in hashing order, each named once
 */
public record RoutingExpression(HashFunction hash, List<TypedColumn> columns) implements DistributionKeyEntry {

    /** A column of a routing expression and the type its values are read and hashed as. */
    public record TypedColumn(String column, ColumnType type) {
        public TypedColumn {
            MetadataException.requireName(column, "routing expression column");
            if (type == null) {
                throw new MetadataException(MetadataException.INVALID_TABLE_DEFINITION,
                        "column " + MetadataException.quote(column) + " of a routing expression needs a type");
            }
            if (type == ColumnType.UUID || type == ColumnType.UUID_HASH) {
                throw new MetadataException(MetadataException.FEATURE_NOT_SUPPORTED,
                        "column " + MetadataException.quote(column) + " of a routing expression cannot be of type "
                                + type + " (expected integer or varchar, with or without hash)");
            }
        }
    }

    public RoutingExpression {
        if (hash == null || hash.isIdentity()) {
            throw new MetadataException(MetadataException.INVALID_TABLE_DEFINITION,
                    "a routing expression needs hash function murmur or city, not " + (hash == null ? "none" : hash));
        }
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new MetadataException(MetadataException.INVALID_TABLE_DEFINITION,
                    "a routing expression needs at least one column");
        }
        Set<String> seen = new HashSet<>();
        for (TypedColumn column : columns) {
            if (!seen.add(column.column())) {
                throw new MetadataException(MetadataException.INVALID_TABLE_DEFINITION,
                        "column " + MetadataException.quote(column.column()) + " is named twice in a routing expression");
            }
        }
    }

    @Override
    public List<String> valueColumns() {
        return columns.stream().map(TypedColumn::column).toList();
    }

    public List<ColumnType> valueTypes() {
        return columns.stream().map(TypedColumn::type).toList();
    }

    /**
     * The key of values of the columns, in column order: raw values as {@link ColumnType#keyOf}
     * takes them ({@link Long}, {@link Integer}, {@link String}, …).
     *
     * @throws MetadataException 42804 when a value does not fit its column's type
     */
    public KeyValue.HashValue keyOf(List<?> rawValues) {
        requireCount(rawValues.size());
        long[] hashes = new long[columns.size()];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = ((KeyValue.HashValue) columns.get(i).type().hashed().keyOf(hash, rawValues.get(i))).value();
        }
        return keyOfHashes(hashes);
    }

    /** Like {@link #keyOf} for values in PostgreSQL's text format (see {@link ColumnType#keyOfText}). */
    public KeyValue.HashValue keyOfText(List<String> texts) {
        requireCount(texts.size());
        long[] hashes = new long[columns.size()];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = ((KeyValue.HashValue) columns.get(i).type().hashed().keyOfText(hash, texts.get(i))).value();
        }
        return keyOfHashes(hashes);
    }

    /** The key from each column's own hash, in column order: their integer bytes, concatenated, hashed. */
    public KeyValue.HashValue keyOfHashes(long[] hashes) {
        requireCount(hashes.length);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 * hashes.length);
        for (long columnHash : hashes) {
            bytes.writeBytes(HashFunction.integerBytes(columnHash));
        }
        return new KeyValue.HashValue(hash.hashBytes(bytes.toByteArray()));
    }

    /** The console spelling: {@code MURMUR [c1 INTEGER, c2 VARCHAR HASH]}. */
    public String display() {
        StringBuilder text = new StringBuilder(hash.consoleName().toUpperCase(java.util.Locale.ROOT)).append(" [");
        for (int i = 0; i < columns.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(columns.get(i).column()).append(' ')
                    .append(columns.get(i).type().consoleName().toUpperCase(java.util.Locale.ROOT));
        }
        return text.append(']').toString();
    }

    private void requireCount(int count) {
        if (count != columns.size()) {
            throw new MetadataException(MetadataException.DATATYPE_MISMATCH,
                    "routing expression " + display() + " has " + columns.size() + " column"
                            + (columns.size() == 1 ? "" : "s") + " but " + count
                            + (count == 1 ? " value was" : " values were") + " given");
        }
    }
}
