-- Reference tables: copied to every shard or to the shards named.
CREATE SHARD sh1 WITH HOSTS 'pg1:5432';
CREATE SHARD sh2 WITH HOSTS 'pg2:5432';
CREATE REFERENCE TABLE tax_rates;
CREATE REFERENCE RELATION geo.countries ON sh1, sh2;
CREATE REFERENCE TABLE currencies ON sh2;
SHOW reference_relations;
SHOW reference_relations WHERE shards = 'all';
-- errors
CREATE REFERENCE TABLE tax_rates;
CREATE REFERENCE TABLE t ON sh1, sh9;
CREATE DISTRIBUTION ds COLUMN TYPES integer;
ALTER DISTRIBUTION ds ATTACH RELATION currencies DISTRIBUTION KEY id;
DROP SHARD sh2;
DROP REFERENCE TABLE nope;
-- drop
DROP REFERENCE TABLE public.tax_rates;
DROP REFERENCE RELATION geo.countries;
SHOW reference_relations;
