-- psql sends statements joined by \; as one query: one batch, all or nothing.
CREATE SHARD sh1 WITH HOSTS 'pg1:5432' \; CREATE DISTRIBUTION ds COLUMN TYPES integer \; CREATE KEY RANGE FROM 0 ROUTE TO sh1 \; SHOW key_ranges;
-- the third statement fails, so sh2 and kr2 are not created either
CREATE SHARD sh2 WITH HOSTS 'pg2:5432' \; CREATE KEY RANGE FROM -100 ROUTE TO sh2 \; CREATE KEY RANGE FROM -200 ROUTE TO sh9;
SHOW shards \; SHOW key_ranges;
-- every SHOW of a query sees the state after the whole query
SHOW key_ranges \; DROP KEY RANGE kr1 \; SHOW key_ranges;
-- a failing SHOW undoes the query too
CREATE SHARD sh3 WITH HOSTS 'pg3:5432' \; SHOW shards WHERE nope = 'x';
SHOW shards;
-- a syntax error anywhere runs nothing
CREATE SHARD sh4 WITH HOSTS 'pg4:5432' \; CREATE SHARD;
SHOW shards;
-- empty statements
;
