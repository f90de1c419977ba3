package dev.shardgate.router.merge;

/** PostgreSQL's OIDs of the built-in types the merger understands (pg_type.oid). */
final class TypeOids {
    static final int BOOL = 16;
    static final int BYTEA = 17;
    static final int CHAR = 18;
    static final int NAME = 19;
    static final int INT8 = 20;
    static final int INT2 = 21;
    static final int INT4 = 23;
    static final int TEXT = 25;
    static final int OID = 26;
    static final int FLOAT4 = 700;
    static final int FLOAT8 = 701;
    static final int MONEY = 790;
    static final int BPCHAR = 1042;
    static final int VARCHAR = 1043;
    static final int DATE = 1082;
    static final int TIME = 1083;
    static final int TIMESTAMP = 1114;
    static final int TIMESTAMPTZ = 1184;
    static final int INTERVAL = 1186;
    static final int TIMETZ = 1266;
    static final int NUMERIC = 1700;
    static final int UUID = 2950;
    static final int INET = 869;
    static final int CIDR = 650;
    static final int MACADDR = 829;
    static final int BOOL_ARRAY = 1000;
    static final int INT2_ARRAY = 1005;
    static final int INT4_ARRAY = 1007;
    static final int TEXT_ARRAY = 1009;
    static final int VARCHAR_ARRAY = 1015;
    static final int INT8_ARRAY = 1016;
    static final int DATE_ARRAY = 1182;
    static final int UUID_ARRAY = 2951;

    private TypeOids() {
    }
}
