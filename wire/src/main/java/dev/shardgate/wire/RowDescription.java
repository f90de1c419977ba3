package dev.shardgate.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** RowDescription ('T'): the columns of the rows that follow. */
public record RowDescription(List<Field> fields) implements BackendMessage {
    public static final byte TYPE = 'T';
    /** Bytes of a field after its name: table OID, column number, type OID, size, modifier, format. */
    private static final int FIELD_FIXED_BYTES = 18;

    public RowDescription {
        fields = List.copyOf(fields);
    }

    /**
     * One column. {@code tableOid} and {@code columnNumber} are 0 unless the column comes straight from a
     * table; {@code typeSize} is negative for variable-width types; {@code format} 0 text, 1 binary.
     */
    public record Field(String name, int tableOid, short columnNumber, int typeOid, short typeSize,
                        int typeModifier, short format) {
        /** PostgreSQL's OID of type text, whose size is -1 (variable). */
        public static final int TEXT_OID = 25;

        public Field {
            Objects.requireNonNull(name);
        }

        /** A computed text column, as the router's own result sets use. */
        public static Field text(String name) {
            return new Field(name, 0, (short) 0, TEXT_OID, (short) -1, -1, (short) 0);
        }
    }

    static RowDescription decode(Payload in) {
        int count = in.count16();
        in.needAtLeast(count, FIELD_FIXED_BYTES + 1);
        List<Field> fields = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            fields.add(new Field(in.cstring(), in.int32(), in.int16(), in.int32(), in.int16(), in.int32(), in.int16()));
        }
        return new RowDescription(fields);
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeCount16(fields.size());
        for (Field field : fields) {
            out.writeCString(field.name());
            out.writeInt32(field.tableOid());
            out.writeInt16(field.columnNumber());
            out.writeInt32(field.typeOid());
            out.writeInt16(field.typeSize());
            out.writeInt32(field.typeModifier());
            out.writeInt16(field.format());
        }
        out.endMessage(start);
    }
}
