-- tr by SPQR's routing expression over (id1, id2): hashes below 2^31 on sh1, the rest on sh2.
CREATE DISTRIBUTION pairs COLUMN TYPES integer hash;
CREATE RELATION tr (MURMUR [id1 INT HASH, id2 VARCHAR HASH]) IN pairs;
CREATE KEY RANGE pairs_high FROM 2147483648 ROUTE TO sh2 FOR DISTRIBUTION pairs;
CREATE KEY RANGE pairs_low FROM 0 ROUTE TO sh1 FOR DISTRIBUTION pairs;
