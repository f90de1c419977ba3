-- Shards: create in both spellings, list, filter, drop.
SHOW shards;
CREATE SHARD sh1 WITH HOSTS 'pg1:5432';
CREATE SHARD sh2 WITH HOSTS 'pg2a:5432', 'pg2b:6432';
CREATE SHARD "Shard-3" OPTIONS (HOST 'pg3:5432', HOST '[::1]:5433');
SHOW shards;
SHOW shards WHERE shard_id = 'sh2';
SHOW shards WHERE shard_id <> 'sh2' AND shard_id <> 'sh1';
-- errors
CREATE SHARD sh1 WITH HOSTS 'other:5432';
CREATE SHARD sh4 WITH HOSTS 'nohost';
CREATE SHARD sh4 WITH HOSTS 'pg4:99999';
DROP SHARD sh9;
SHOW shards WHERE host = 'pg1:5432';
-- a shard in use cannot be dropped
CREATE DISTRIBUTION ds COLUMN TYPES integer DEFAULT SHARD sh2;
CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1;
DROP SHARD sh1;
DROP SHARD sh2;
DROP SHARD "Shard-3";
SHOW shards;
