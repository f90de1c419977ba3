package dev.shardgate.meta;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A tuple of key values: a key range's lower bound, or the key a statement routes by. Tuples of
 * the same distribution compare lexicographically, column by column, in each column's order
 * ({@link KeyValue}).
 */
public record KeyBound(List<KeyValue> values) implements Comparable<KeyBound> {

    public KeyBound {
        if (values == null || values.isEmpty()) {
            throw new MetadataException(MetadataException.INVALID_PARAMETER_VALUE, "a key bound needs at least one value");
        }
        values = List.copyOf(values);
    }

    public static KeyBound of(KeyValue... values) {
        return new KeyBound(List.of(values));
    }

    public int size() {
        return values.size();
    }

    public KeyValue get(int column) {
        return values.get(column);
    }

    /**
     * @throws MetadataException 42804 when the tuples differ in length or a column in kind
     */
    @Override
    public int compareTo(KeyBound other) {
        if (values.size() != other.values.size()) {
            throw new MetadataException(MetadataException.DATATYPE_MISMATCH,
                    "cannot compare key " + this + " of " + values.size() + " columns with key " + other
                            + " of " + other.values.size() + " columns");
        }
        for (int i = 0; i < values.size(); i++) {
            int order = values.get(i).compareTo(other.values.get(i));
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    /**
     * Parses console text, one string per column (unquoted: {@code 100}, {@code abc}, a uuid, an
     * unsigned 32-bit number for hashed columns), for the given distribution.
     *
     * @throws MetadataException 42804 when the number of values differs from the number of columns,
     *         22P02 when a value is not valid for its column
     */
    public static KeyBound parse(List<String> texts, List<ColumnType> columnTypes, String distributionId) {
        checkArity(texts.size(), columnTypes, distributionId);
        List<KeyValue> values = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            values.add(parseValue(texts.get(i), columnTypes.get(i), i + 1, distributionId));
        }
        return new KeyBound(values);
    }

    private static KeyValue parseValue(String text, ColumnType type, int column, String distributionId) {
        KeyValue value = switch (type) {
            case INTEGER -> {
                try {
                    yield new KeyValue.IntegerValue(ValueText.bigint(text));
                } catch (MetadataException e) {
                    yield null;
                }
            }
            case VARCHAR -> text == null ? null : new KeyValue.VarcharValue(text);
            case UUID -> {
                java.util.UUID uuid = ValueText.uuidOrNull(text);
                yield uuid == null ? null : new KeyValue.UuidValue(uuid);
            }
            case INTEGER_HASH, VARCHAR_HASH, UUID_HASH -> {
                Long hash = ValueText.unsigned32OrNull(text);
                yield hash == null ? null : new KeyValue.HashValue(hash);
            }
        };
        if (value == null) {
            String expected = type.isHashed() ? "an unsigned 32-bit hash" : "a valid " + type;
            throw new MetadataException(MetadataException.INVALID_TEXT_REPRESENTATION,
                    "bound " + MetadataException.quote(String.valueOf(text)) + " is not " + expected
                            + " for column " + column + " (" + type + ") of distribution "
                            + MetadataException.quote(distributionId));
        }
        return value;
    }

    /**
     * @throws MetadataException 42804 when this bound does not fit the distribution's column types,
     *         22021 when a varchar value is not valid Unicode
     */
    public void checkFits(List<ColumnType> columnTypes, String distributionId) {
        checkArity(values.size(), columnTypes, distributionId);
        for (int i = 0; i < values.size(); i++) {
            KeyValue value = values.get(i);
            ColumnType type = columnTypes.get(i);
            if (!type.accepts(value)) {
                throw new MetadataException(MetadataException.DATATYPE_MISMATCH,
                        "bound value " + value.display() + " (" + value.kind() + ") does not fit column " + (i + 1)
                                + " (" + type + ") of distribution " + MetadataException.quote(distributionId));
            }
            // Stored bounds must survive UTF-8; a lone surrogate has no UTF-8 form.
            if (value instanceof KeyValue.VarcharValue(String text) && !isValidUnicode(text)) {
                throw new MetadataException(MetadataException.CHARACTER_NOT_IN_REPERTOIRE,
                        "bound value in column " + (i + 1) + " of distribution " + MetadataException.quote(distributionId)
                                + " is not valid Unicode (it holds an unpaired surrogate)");
            }
        }
    }

    private static boolean isValidUnicode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static void checkArity(int count, List<ColumnType> columnTypes, String distributionId) {
        if (count != columnTypes.size()) {
            throw new MetadataException(MetadataException.DATATYPE_MISMATCH,
                    "bound has " + count + (count == 1 ? " value" : " values") + " but distribution "
                            + MetadataException.quote(distributionId) + " has " + columnTypes.size()
                            + (columnTypes.size() == 1 ? " column" : " columns"));
        }
    }

    /** The values' unquoted texts, which {@link #parse} takes back. */
    public List<String> texts() {
        return values.stream().map(KeyValue::text).toList();
    }

    /** Console literals separated by commas: {@code 100}, {@code 1, 'abc'}. */
    @Override
    public String toString() {
        return values.stream().map(KeyValue::display).collect(Collectors.joining(", "));
    }
}
