-- SHOW as SPQR's grammar allows it: a column list, WHERE, GROUP BY (with a count), ORDER BY.
CREATE SHARD sh1 WITH HOSTS 'pg1:5432';
CREATE SHARD sh2 WITH HOSTS 'pg2:5432';
CREATE DISTRIBUTION ds COLUMN TYPES integer;
CREATE KEY RANGE kr4 FROM 1000 ROUTE TO sh2;
CREATE KEY RANGE kr3 FROM 100 ROUTE TO sh1;
CREATE KEY RANGE kr2 FROM 9 ROUTE TO sh2;
CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1;
LOCK KEY RANGE kr4;
SHOW key_ranges (key_range_id, lower_bound) WHERE shard_id = 'sh2';
-- integers order as numbers: 9 before 100
SHOW key_ranges (key_range_id, lower_bound) ORDER BY lower_bound DESC;
SHOW key_ranges GROUP BY shard_id;
SHOW key_ranges WHERE locked = 'false' GROUP BY shard_id ORDER BY count DESC;
SHOW key_ranges_extended;
SHOW is_read_only;
-- errors
SHOW key_ranges (nope);
SHOW key_ranges ORDER BY nope;
SHOW key_ranges (key_range_id) GROUP BY shard_id;
SHOW key_ranges ORDER lower_bound;
