SHOW shards;
CREATE SHARD sh1 WITH HOSTS 'pg1:5432';
SHOW shards;
SHOW nonsense;
CREATE SHAR sh2;
