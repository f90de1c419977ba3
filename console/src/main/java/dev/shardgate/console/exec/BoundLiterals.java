package dev.shardgate.console.exec;

import dev.shardgate.console.ast.BoundLiteral;
import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.MetadataException;
import java.util.List;

/**
 * Reads a bound's literals by the distribution's column types. A string literal is like
 * PostgreSQL's untyped literal and may spell any type ('100' for an integer column, a uuid); a
 * bare number only fits integer and hashed columns, as a number is no varchar or uuid key.
 */
final class BoundLiterals {
    private BoundLiterals() {
    }

    /**
     * @throws MetadataException 42804 for a wrong number of values or a number in a varchar or uuid
     *         column, 22P02 for a value its column type does not read
     */
    static KeyBound parse(List<BoundLiteral> literals, Distribution distribution) {
        List<ColumnType> types = distribution.columnTypes();
        if (literals.size() == types.size()) {
            for (int i = 0; i < literals.size(); i++) {
                BoundLiteral literal = literals.get(i);
                ColumnType type = types.get(i);
                boolean numeric = type == ColumnType.INTEGER || type.isHashed();
                if (literal.kind() == BoundLiteral.Kind.NUMBER && !numeric) {
                    throw new MetadataException(MetadataException.DATATYPE_MISMATCH,
                            "bound value " + literal.text() + " is a number but column " + (i + 1) + " of distribution \""
                                    + distribution.id() + "\" is " + type + "; write it as a string: '"
                                    + literal.text() + "'");
                }
            }
        }
        return distribution.parseBound(literals.stream().map(BoundLiteral::text).toList());
    }
}
