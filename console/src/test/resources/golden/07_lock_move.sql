-- LOCK, UNLOCK and MOVE (metadata only; REDISTRIBUTE moves data, on the coordinator).
CREATE SHARD sh1 WITH HOSTS 'pg1:5432';
CREATE SHARD sh2 WITH HOSTS 'pg2:5432';
CREATE DISTRIBUTION ds COLUMN TYPES integer;
CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1;
CREATE KEY RANGE kr2 FROM 100 ROUTE TO sh1;
LOCK KEY RANGE kr1;
SHOW key_ranges WHERE locked = 'true';
-- a locked range is held still
LOCK KEY RANGE kr1;
DROP KEY RANGE kr1;
SPLIT KEY RANGE kr3 FROM kr1 BY 50;
UNITE KEY RANGE kr1 WITH kr2;
DROP KEY RANGE ALL;
DROP DISTRIBUTION ds CASCADE;
-- but may be moved, which is what a move does under its lock
MOVE KEY RANGE kr1 TO sh2;
UNLOCK KEY RANGE kr1;
UNLOCK KEY RANGE kr1;
SHOW key_ranges;
-- errors
MOVE KEY RANGE kr1 TO sh9;
MOVE KEY RANGE nope TO sh1;
LOCK KEY RANGE nope;
UNLOCK KEY RANGE nope;
