-- AUTO INCREMENT columns: the router fills them from sequences named <relation>_<column>.
CREATE DISTRIBUTION ds COLUMN TYPES integer;
ALTER DISTRIBUTION ds ATTACH RELATION orders DISTRIBUTION KEY id AUTO INCREMENT id;
CREATE DISTRIBUTED RELATION sales.items (order_id) AUTO INCREMENT id, line_no START 1000 IN ds;
SHOW sequences;
SHOW sequences WHERE relation_name = 'orders';
-- a sequence in use cannot be dropped
DROP SEQUENCE orders_id;
DROP SEQUENCE sales.items_line_no;
-- errors
DROP SEQUENCE nothing;
CREATE DISTRIBUTED RELATION x (id) AUTO INCREMENT id, id IN ds;
CREATE DISTRIBUTED RELATION sales.items_line (id) AUTO INCREMENT no IN ds;
CREATE DISTRIBUTED RELATION orders (id) AUTO INCREMENT id START 99999999999999999999 IN ds;
-- detaching keeps the sequence only once a router took values of it
ALTER DISTRIBUTION ds DETACH RELATION orders;
SHOW sequences;
DROP SEQUENCE orders_id;
