-- Real-world statement corpus for SqlAnalyzer. Each case starts with one or more "-- expect:" lines;
-- the statement text is everything up to the next "-- expect:" line. Expectations, separated by ";":
--   error                  PostgreSQL's grammar rejects the text
--   kind K1,K2             the statement kinds, in order
--   tables a, s.b          the tables of all statements (as a set)
--   key t.col=v1|v2        a key filter; all "key" items together are the exact set of filters
--   nokey                  no key filter at all
--   row t(c=v, c=v)        an insert row; all "row" items together are the exact rows, in order
--   norow                  no insert rows
--   set KIND name=value    the SetCommand of the (single) statement; value "null" for none
-- Values: $n parameters, 5, 1.5, 'text', true, null (casts are not shown).

-- ===== pgbench (tpcb-like, select-only, simple-update; as sent with -M extended) =====
-- expect: kind SELECT; tables pgbench_accounts; key pgbench_accounts.aid=$1
SELECT abalance FROM pgbench_accounts WHERE aid = $1;
-- expect: kind UPDATE; key pgbench_accounts.aid=$2
UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;
-- expect: kind UPDATE; key pgbench_tellers.tid=$2
UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2;
-- expect: kind UPDATE; key pgbench_branches.bid=$2
UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2;
-- expect: kind INSERT; key pgbench_history.tid=$1; key pgbench_history.bid=$2; key pgbench_history.aid=$3; key pgbench_history.delta=$4; row pgbench_history(tid=$1, bid=$2, aid=$3, delta=$4)
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP);
-- expect: kind UPDATE; key pgbench_accounts.aid=33417
UPDATE pgbench_accounts SET abalance = abalance + -3247 WHERE aid = 33417;
-- expect: kind SELECT; key pgbench_accounts.aid=33417
SELECT abalance FROM pgbench_accounts WHERE aid = 33417;
-- expect: kind INSERT; row pgbench_history(tid=7, bid=1, aid=33417, delta=-3247)
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (7, 1, 33417, -3247, CURRENT_TIMESTAMP);
-- expect: kind BEGIN,UPDATE,SELECT,UPDATE,UPDATE,INSERT,COMMIT; key pgbench_accounts.aid=$2; key pgbench_accounts.aid=$1; key pgbench_tellers.tid=$2; key pgbench_branches.bid=$2; key pgbench_history.tid=$3; key pgbench_history.bid=$4; key pgbench_history.aid=$2; key pgbench_history.delta=$1
BEGIN;
UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;
SELECT abalance FROM pgbench_accounts WHERE aid = $1;
UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2;
UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2;
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($3, $4, $2, $1, CURRENT_TIMESTAMP);
END;
-- expect: kind DDL; tables pgbench_history, pgbench_tellers, pgbench_accounts, pgbench_branches; nokey
drop table if exists pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers
-- expect: kind DDL; tables pgbench_accounts
create table pgbench_accounts(aid int not null,bid int,abalance int,filler char(84)) with (fillfactor=100)
-- expect: kind DDL; tables pgbench_branches
create table pgbench_branches(bid int not null,bbalance int,filler char(88)) with (fillfactor=100)
-- expect: kind DDL; tables pgbench_history
create table pgbench_history(tid int,bid int,aid int,delta int,mtime timestamp,filler char(22))
-- expect: kind DDL; tables pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers; nokey
truncate table pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers
-- expect: kind COPY; tables pgbench_accounts; nokey
copy pgbench_accounts from stdin with (freeze on)
-- expect: kind INSERT; tables pgbench_branches; key pgbench_branches.bbalance=0; row pgbench_branches(bbalance=0)
insert into pgbench_branches(bid,bbalance) select bid, 0 from generate_series(1, 1) as bid
-- expect: kind INSERT; tables pgbench_tellers; key pgbench_tellers.tbalance=0; row pgbench_tellers(tbalance=0)
insert into pgbench_tellers(tid,bid,tbalance) select tid, (tid - 1) / 10 + 1, 0 from generate_series(1, 10) as tid
-- expect: kind OTHER; tables pgbench_branches
vacuum analyze pgbench_branches
-- expect: kind DDL; tables pgbench_branches
alter table pgbench_branches add primary key (bid)
-- expect: kind DDL; tables pgbench_tellers, pgbench_branches
alter table pgbench_tellers add constraint pgbench_tellers_bid_fkey foreign key (bid) references pgbench_branches
-- expect: kind SELECT; nokey
select count(*) from pgbench_branches
-- expect: kind SELECT; tables pg_catalog.pg_class, pg_catalog.pg_namespace, pg_catalog.pg_partitioned_table, pg_catalog.pg_inherits; key pg_catalog.pg_class.relname='pgbench_accounts'
select o.n, p.partstrat, pg_catalog.count(i.inhparent) from pg_catalog.pg_class as c join pg_catalog.pg_namespace as n on (n.oid = c.relnamespace) cross join lateral (select pg_catalog.array_position(pg_catalog.current_schemas(true), n.nspname)) as o(n) left join pg_catalog.pg_partitioned_table as p on (p.partrelid = c.oid) left join pg_catalog.pg_inherits as i on (c.oid = i.inhparent) where c.relname = 'pgbench_accounts' and o.n is not null group by 1, 2 order by 1 asc limit 1

-- ===== Hibernate 6 (positional parameters become $n with pgjdbc) =====
-- expect: kind SELECT; tables customer; key customer.id=$1
select c1_0.id,c1_0.email,c1_0.name,c1_0.version from customer c1_0 where c1_0.id=$1
-- expect: kind SELECT; tables purchase_order, customer; key purchase_order.customer_id=$1; key customer.id=$1
select o1_0.id,o1_0.customer_id,c1_0.id,c1_0.name,o1_0.status from purchase_order o1_0 join customer c1_0 on c1_0.id=o1_0.customer_id where o1_0.customer_id=$1
-- expect: kind SELECT; tables purchase_order, customer; key purchase_order.id=$1
select o1_0.id,c1_0.id,c1_0.name from purchase_order o1_0 left join customer c1_0 on c1_0.id=o1_0.customer_id where o1_0.id=$1
-- expect: kind INSERT; row purchase_order(created_at=$1, customer_id=$2, status=$3, total=$4, id=$5)
insert into purchase_order (created_at,customer_id,status,total,id) values ($1,$2,$3,$4,$5)
-- expect: kind UPDATE; key purchase_order.id=$3; key purchase_order.version=$4
update purchase_order set status=$1,version=$2 where id=$3 and version=$4
-- expect: kind DELETE; key order_line.order_id=$1
delete from order_line where order_id=$1
-- expect: kind SELECT; nokey
select nextval('purchase_order_seq')
-- expect: kind SELECT; key order_line.order_id=$1
select l1_0.order_id,l1_0.id,l1_0.product_id,l1_0.quantity from order_line l1_0 where l1_0.order_id=$1 order by l1_0.id offset $2 rows fetch first $3 rows only
-- expect: kind SELECT; key customer.id=$1|$2|$3
select c1_0.id,c1_0.name from customer c1_0 where c1_0.id in ($1,$2,$3)
-- expect: kind SELECT; key customer.id=$1
select c1_0.id,c1_0.version from customer c1_0 where c1_0.id=$1 for update
-- expect: kind SELECT; nokey
select count(c1_0.id) from customer c1_0 where c1_0.name like $1 escape ''
-- expect: kind SELECT; nokey
select c1_0.id from customer c1_0 where lower(c1_0.email)=lower($1)
-- expect: kind SELECT; nokey
select o1_0.id from purchase_order o1_0 where o1_0.created_at between $1 and $2
-- expect: kind SELECT; key purchase_order.customer_id=$1
select o1_0.id from purchase_order o1_0 where o1_0.customer_id=$1 and o1_0.created_at>=$2 and o1_0.status<>$3
-- expect: kind SELECT; nokey
select o1_0.id from purchase_order o1_0 where o1_0.customer_id=$1 or o1_0.status=$2
-- expect: kind UPDATE; key customer.id=$2
update customer set version=version+1,name=$1 where id=$2
-- expect: kind DELETE; key customer.id=$1; key customer.version=$2
delete from customer where id=$1 and version=$2
-- expect: kind SELECT; tables customer, purchase_order; key purchase_order.customer_id=$1
select c1_0.id,(select count(*) from purchase_order o1_0 where o1_0.customer_id=c1_0.id) from customer c1_0 where exists(select 1 from purchase_order o2_0 where o2_0.customer_id=c1_0.id and o2_0.customer_id=$1)
-- expect: kind SELECT; nokey
select p1_0.id,p1_0.name from product p1_0 where p1_0.id=any($1)
-- expect: kind INSERT; row customer(email=$1, name=$2, version=$3, id=$4)
insert into customer (email,name,version,id) values ($1,$2,$3,$4)
-- expect: kind SELECT; key product.sku=$1
select p1_0.id from product p1_0 where p1_0.sku=cast($1 as varchar)
-- expect: kind SELECT; tables product, category; key category.id=$1; key product.category_id=$1
select p1_0.id from product p1_0 join category c1_0 on c1_0.id=p1_0.category_id and c1_0.id=$1
-- expect: kind SELECT; nokey
select p1_0.id from product p1_0 left join category c1_0 on c1_0.id=p1_0.category_id and c1_0.id=$1

-- ===== Rails / ActiveRecord =====
-- expect: kind SELECT; tables users; key users.id=$1
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
-- expect: kind INSERT; row posts(title=$1, user_id=$2, created_at=$3, updated_at=$4)
INSERT INTO "posts" ("title", "user_id", "created_at", "updated_at") VALUES ($1, $2, $3, $4) RETURNING "id"
-- expect: kind UPDATE; key posts.id=$3
UPDATE "posts" SET "title" = $1, "updated_at" = $2 WHERE "posts"."id" = $3
-- expect: kind DELETE; key comments.post_id=$1
DELETE FROM "comments" WHERE "comments"."post_id" = $1
-- expect: kind SELECT; key users.email=$1
SELECT 1 AS one FROM "users" WHERE "users"."email" = $1 LIMIT $2
-- expect: kind SELECT; tables posts, users; key users.id=$1; key posts.user_id=$1
SELECT "posts".* FROM "posts" INNER JOIN "users" ON "users"."id" = "posts"."user_id" WHERE "users"."id" = $1
-- expect: kind SELECT; key posts.user_id=$1
SELECT COUNT(*) FROM "posts" WHERE "posts"."user_id" = $1
-- expect: kind SELECT; key posts.user_id=$1|$2|$3
SELECT "posts".* FROM "posts" WHERE "posts"."user_id" IN ($1, $2, $3)
-- expect: kind SELECT; nokey
SELECT "schema_migrations"."version" FROM "schema_migrations" ORDER BY "schema_migrations"."version" ASC
-- expect: kind SELECT; nokey
SELECT pg_try_advisory_lock(1257324219)
-- expect: kind SHOW
SHOW search_path
-- expect: kind SET; set SET client_min_messages=warning
SET client_min_messages TO 'warning'
-- expect: kind SET; set SET standard_conforming_strings=on
SET standard_conforming_strings = on
-- expect: kind SET; set SET intervalstyle=iso_8601
SET intervalstyle = iso_8601
-- expect: kind SELECT; key pg_class.relname='users'; key pg_class.relkind='r'|'v'|'m'|'p'|'f'
SELECT c.relname FROM pg_class c LEFT JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY (current_schemas(false)) AND c.relname = 'users' AND c.relkind IN ('r','v','m','p','f')
-- expect: kind SELECT; key users.id=$1; key users.tenant_id=$2
SELECT "users".* FROM "users" WHERE "users"."id" = $1 AND "users"."tenant_id" = $2 LIMIT $3
-- expect: kind SELECT; key articles.published=true
SELECT "articles".* FROM "articles" WHERE "articles"."published" = TRUE ORDER BY "articles"."created_at" DESC LIMIT $1 OFFSET $2
-- expect: kind SELECT; nokey
SELECT "articles".* FROM "articles" WHERE "articles"."deleted_at" IS NULL
-- expect: kind UPDATE; key users.id=$2
UPDATE "users" SET "sign_in_count" = COALESCE("sign_in_count", 0) + $1 WHERE "users"."id" = $2
-- expect: kind SELECT; key taggings.taggable_id=$1; key taggings.taggable_type=$2
SELECT "tags".* FROM "tags" INNER JOIN "taggings" ON "tags"."id" = "taggings"."tag_id" WHERE "taggings"."taggable_id" = $1 AND "taggings"."taggable_type" = $2
-- expect: kind INSERT; nokey; norow
INSERT INTO "ar_internal_metadata" VALUES ('environment', 'development', now(), now())
-- expect: kind INSERT; row schema_migrations(version='20240101000000')
INSERT INTO "schema_migrations" (version) VALUES ('20240101000000')
-- expect: kind SELECT; tables orders; key orders.account_id=$1; key orders.state=$2|$3
SELECT "orders".* FROM "orders" WHERE "orders"."account_id" = $1 AND ("orders"."state" = $2 OR "orders"."state" = $3)
-- expect: kind SELECT; nokey
SELECT "orders".* FROM "orders" WHERE NOT ("orders"."account_id" = $1)
-- expect: kind SELECT; key users.id=$1
SELECT "users"."id", "users"."name" FROM "users" WHERE "users"."id" = $1 FOR UPDATE SKIP LOCKED
-- expect: kind INSERT; row users(email=$1, name=$2)
INSERT INTO "users" ("email","name") VALUES ($1, $2) ON CONFLICT ("email") DO UPDATE SET "name" = excluded."name" RETURNING "id"

-- ===== Django (psycopg interpolates values client-side) =====
-- expect: kind SELECT; tables auth_user; key auth_user.id=1
SELECT "auth_user"."id", "auth_user"."password", "auth_user"."last_login", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."id" = 1 LIMIT 21
-- expect: kind SELECT; key auth_user.username='admin'
SELECT "auth_user"."id" FROM "auth_user" WHERE "auth_user"."username" = 'admin' LIMIT 21
-- expect: kind INSERT; row blog_entry(headline='Hello', pub_date='2024-01-01', blog_id=3)
INSERT INTO "blog_entry" ("headline", "pub_date", "blog_id") VALUES ('Hello', '2024-01-01'::date, 3) RETURNING "blog_entry"."id"
-- expect: kind UPDATE; key blog_entry.id=5
UPDATE "blog_entry" SET "headline" = 'Updated' WHERE "blog_entry"."id" = 5
-- expect: kind SELECT; key blog_entry.blog_id=3
SELECT "blog_entry"."id" FROM "blog_entry" WHERE ("blog_entry"."blog_id" = 3 AND "blog_entry"."pub_date" >= '2024-01-01'::date)
-- expect: kind SELECT; nokey
SELECT "blog_entry"."id" FROM "blog_entry" WHERE ("blog_entry"."blog_id" = 3 OR "blog_entry"."rating" = 5)
-- expect: kind SELECT; key django_session.session_key='9x0qv1ul2hzh'
SELECT (1) AS "a" FROM "django_session" WHERE "django_session"."session_key" = '9x0qv1ul2hzh' LIMIT 1
-- expect: kind SAVEPOINT
SAVEPOINT "s140234_x1"
-- expect: kind RELEASE
RELEASE SAVEPOINT "s140234_x1"
-- expect: kind ROLLBACK_TO
ROLLBACK TO SAVEPOINT "s140234_x1"
-- expect: kind SET; set SET timezone=UTC
SET TIME ZONE 'UTC'
-- expect: kind DELETE; key blog_entry_tags.entry_id=5; key blog_entry_tags.tag_id=1|2
DELETE FROM "blog_entry_tags" WHERE ("blog_entry_tags"."entry_id" = 5 AND "blog_entry_tags"."tag_id" IN (1, 2))
-- expect: kind INSERT; row blog_entry_tags(entry_id=5, tag_id=1); row blog_entry_tags(entry_id=5, tag_id=2)
INSERT INTO "blog_entry_tags" ("entry_id", "tag_id") VALUES (5, 1), (5, 2) ON CONFLICT DO NOTHING
-- expect: kind DDL; tables polls_question
CREATE TABLE "polls_question" ("id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, "question_text" varchar(200) NOT NULL, "pub_date" timestamp with time zone NOT NULL)
-- expect: kind DDL; tables polls_choice, polls_question
ALTER TABLE "polls_choice" ADD CONSTRAINT "polls_choice_question_id_c5b4b260_fk_polls_question_id" FOREIGN KEY ("question_id") REFERENCES "polls_question" ("id") DEFERRABLE INITIALLY DEFERRED
-- expect: kind DDL; tables polls_choice
CREATE INDEX "polls_choice_question_id_c5b4b260" ON "polls_choice" ("question_id")
-- expect: kind SELECT; tables polls_choice, polls_question; key polls_question.id=7; key polls_choice.question_id=7
SELECT "polls_choice"."id" FROM "polls_choice" INNER JOIN "polls_question" ON ("polls_choice"."question_id" = "polls_question"."id") WHERE "polls_question"."id" = 7
-- expect: kind SELECT; nokey
SELECT "polls_question"."id" FROM "polls_question" WHERE UPPER("polls_question"."question_text"::text) LIKE UPPER('%what%')
-- expect: kind SELECT; nokey
SELECT "polls_question"."id" FROM "polls_question" WHERE "polls_question"."id" > 10 ORDER BY "polls_question"."pub_date" DESC
-- expect: kind SELECT; key polls_question.id=1|2|3
SELECT "polls_question"."id" FROM "polls_question" WHERE "polls_question"."id" IN (1, 2, 3)
-- expect: kind SELECT; nokey
SELECT "polls_question"."id" FROM "polls_question" WHERE "polls_question"."id" + 1 = 5
-- expect: kind SELECT; tables django_content_type; key django_content_type.app_label='auth'; key django_content_type.model='user'
SELECT "django_content_type"."id" FROM "django_content_type" WHERE ("django_content_type"."app_label" = 'auth' AND "django_content_type"."model" = 'user') LIMIT 21
-- expect: kind UPDATE; nokey
UPDATE "django_session" SET "expire_date" = '2024-01-01T00:00:00'::timestamptz WHERE "django_session"."expire_date" < '2023-01-01T00:00:00'::timestamptz
-- expect: kind SET; set SET_TRANSACTION transaction=isolation level serializable
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE

-- ===== SQLAlchemy and JDBC-style =====
-- expect: kind SELECT; key users.id=$1
SELECT users.id AS users_id, users.name AS users_name FROM users WHERE users.id = $1::INTEGER
-- expect: kind INSERT; row users(name=$1, fullname=$2); row users(name=$3, fullname=$4)
INSERT INTO users (name, fullname) VALUES ($1::VARCHAR, $2::VARCHAR), ($3::VARCHAR, $4::VARCHAR) RETURNING users.id
-- expect: kind SELECT; tables users, addresses; key addresses.user_id=$1; key users.id=$1
SELECT users.id, addresses.email FROM users JOIN addresses ON users.id = addresses.user_id WHERE addresses.user_id = $1
-- expect: kind SELECT; nokey
SELECT anon_1.users_id FROM (SELECT users.id AS users_id FROM users) AS anon_1 WHERE anon_1.users_id = 5
-- expect: kind SELECT; key users.id=5
SELECT anon_1.users_id FROM (SELECT users.id AS users_id FROM users WHERE users.id = 5) AS anon_1
-- expect: kind SELECT; key accounts.id=$1
SELECT * FROM accounts WHERE id = $1::bigint
-- expect: kind SELECT; key sessions.token='a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'
SELECT * FROM sessions WHERE token = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid
-- expect: kind SELECT; key events.day='2024-03-01'
SELECT * FROM events WHERE day = DATE '2024-03-01'
-- expect: kind SELECT; key accounts.id='42'
SELECT * FROM accounts WHERE id = CAST('42' AS bigint)
-- expect: kind SELECT; key accounts.id=42
SELECT * FROM accounts WHERE 42 = id
-- expect: kind SELECT; key accounts.id=$1
SELECT * FROM accounts WHERE $1 = id
-- expect: kind SELECT; key accounts.balance=1.5
SELECT * FROM accounts WHERE balance = 1.5
-- expect: kind SELECT; key accounts.id=12345678901234
SELECT * FROM accounts WHERE id = 12345678901234
-- expect: kind SELECT; key accounts.id=-7
SELECT * FROM accounts WHERE id = -7
-- expect: kind SELECT; key s1.accounts.id=3
SELECT * FROM s1.accounts WHERE s1.accounts.id = 3
-- expect: kind SELECT; key s1.accounts.id=3
SELECT * FROM s1.accounts WHERE accounts.id = 3
-- expect: kind SELECT; key s1.accounts.id=3
SELECT * FROM s1.accounts a WHERE a.id = 3
-- expect: kind SELECT; key accounts.id=0
SELECT * FROM accounts WHERE id = 0
-- expect: kind SELECT; key accounts.name=''
SELECT * FROM accounts WHERE name = ''
-- expect: kind SELECT; key accounts.id=null
SELECT * FROM accounts WHERE id = NULL
-- expect: kind SELECT; nokey
SELECT * FROM accounts WHERE id IS NULL
-- expect: kind SELECT; key accounts.id=$1; key accounts.region=$2
SELECT * FROM accounts WHERE (id, region) = ($1, $2)
-- expect: kind SELECT; nokey
SELECT * FROM accounts WHERE id::text = '5'
-- expect: kind SELECT; nokey
SELECT * FROM accounts WHERE id = $1 + 1
-- expect: kind SELECT; key accounts.id=1|2
SELECT * FROM accounts WHERE id = ANY(ARRAY[1, 2])
-- expect: kind SELECT; nokey
SELECT * FROM accounts WHERE id NOT IN (1, 2)
-- expect: kind SELECT; nokey
SELECT * FROM accounts WHERE id <> 1
-- expect: kind SELECT; nokey
SELECT * FROM accounts WHERE id IN (1, 2, random()::int)
-- expect: kind SELECT; nokey
SELECT * FROM accounts WHERE NOT id = 5
-- expect: kind SELECT; nokey
SELECT * FROM accounts WHERE id >= 5 AND id <= 5
-- expect: kind SELECT; key accounts.id=5; key accounts.name='a'|'b'
SELECT * FROM accounts WHERE id = 5 AND (name = 'a' OR name = 'b')
-- expect: kind SELECT; key accounts.id=5
SELECT * FROM accounts WHERE id OPERATOR(pg_catalog.=) 5
-- expect: kind SELECT; nokey
SELECT * FROM accounts WHERE id = 5 IS TRUE

-- ===== joins, ambiguity and transitive equality =====
-- expect: kind SELECT; nokey
SELECT * FROM a, b WHERE id = 5
-- expect: kind SELECT; nokey
SELECT * FROM a JOIN b ON a.id = b.a_id WHERE id = 5
-- expect: kind SELECT; key a.id=5; key b.a_id=5
SELECT * FROM a, b WHERE a.id = b.a_id AND a.id = 5
-- expect: kind SELECT; key a.id=5; key b.a_id=5; key c.b_id=5
SELECT * FROM a JOIN b ON b.a_id = a.id JOIN c ON c.b_id = b.a_id WHERE a.id = 5
-- expect: kind SELECT; key a.id=5
SELECT * FROM a LEFT JOIN b ON a.id = b.a_id WHERE a.id = 5
-- expect: kind SELECT; key b.a_id=5
SELECT * FROM a LEFT JOIN b ON a.id = b.a_id WHERE b.a_id = 5
-- expect: kind SELECT; key b.a_id=5
SELECT * FROM a RIGHT JOIN b ON a.id = b.a_id WHERE b.a_id = 5
-- expect: kind SELECT; nokey
SELECT * FROM a FULL JOIN b ON a.id = b.a_id AND a.id = 5
-- expect: kind SELECT; key a.id=5; key b.id=5
SELECT * FROM a JOIN b USING (id) WHERE a.id = 5
-- expect: kind SELECT; key a.id=5; key b.id=5
SELECT * FROM a JOIN b USING (id) WHERE id = 5
-- expect: kind SELECT; tables orders; key orders.id=1; key orders.parent_id=2; key orders.id=2
SELECT * FROM orders o1 JOIN orders o2 ON o2.id = o1.parent_id WHERE o1.id = 1 AND o2.id = 2
-- expect: kind SELECT; nokey
SELECT * FROM orders o1 JOIN orders o2 ON o2.parent_id = o1.id WHERE o1.id = 1 AND o2.status = 'x' OR false
-- expect: kind SELECT; tables a, b; key a.id=5
SELECT * FROM a CROSS JOIN b WHERE a.id = 5
-- expect: kind SELECT; nokey
SELECT * FROM a NATURAL JOIN b WHERE id = 5

-- ===== subqueries, CTEs, set operations =====
-- expect: kind SELECT; tables orders, customers; key customers.region='eu'
SELECT * FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE customers.region = 'eu')
-- expect: kind SELECT; tables orders, customers; nokey
SELECT * FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE region = 'eu')
-- expect: kind SELECT; key orders.customer_id=7
SELECT * FROM orders o WHERE o.customer_id = 7 AND EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id)
-- expect: kind SELECT; key payments.order_id=7; key orders.id=7
SELECT * FROM orders o WHERE o.id = 7 AND EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.order_id = 7)
-- expect: kind SELECT; key payments.order_id=7
SELECT * FROM orders o WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND o.id = 7)
-- expect: kind SELECT; tables t; key t.id=5
WITH x AS (SELECT * FROM t WHERE id = 5) SELECT * FROM x
-- expect: kind SELECT; tables t; nokey
WITH x AS (SELECT * FROM t) SELECT * FROM x WHERE id = 5
-- expect: kind SELECT; tables t, u; key t.id=5; key u.id=6
WITH x AS (SELECT * FROM t WHERE t.id = 5), y AS (SELECT * FROM u, x WHERE u.id = 6) SELECT * FROM y
-- expect: kind SELECT; tables tree; key tree.id=1
WITH RECURSIVE r AS (SELECT id, parent_id FROM tree WHERE id = 1 UNION ALL SELECT t.id, t.parent_id FROM tree t JOIN r ON t.parent_id = r.id) SELECT * FROM r
-- expect: kind INSERT; tables archive, t; key t.id=5
WITH d AS (DELETE FROM t WHERE id = 5 RETURNING *) INSERT INTO archive SELECT * FROM d
-- expect: kind UPDATE; tables accounts; key accounts.id=1
WITH moved AS (UPDATE accounts SET balance = balance - 10 WHERE id = 1 RETURNING id) UPDATE accounts SET balance = balance + 10 WHERE id = 1
-- expect: kind SELECT; key t.id=1|2
SELECT * FROM t WHERE id = 1 UNION ALL SELECT * FROM t WHERE id = 2
-- expect: kind SELECT; nokey
SELECT * FROM t WHERE id = 1 UNION SELECT * FROM t
-- expect: kind SELECT; key t.id=1; key u.id=2
SELECT id FROM t WHERE id = 1 INTERSECT SELECT id FROM u WHERE id = 2
-- expect: kind SELECT; key t.id=5
SELECT * FROM (SELECT * FROM t WHERE id = 5) s JOIN LATERAL (SELECT * FROM u WHERE u.t_id = s.id) l ON true
-- expect: kind SELECT; key u.id=3
SELECT t.*, (SELECT max(v) FROM u WHERE u.id = 3) FROM t
-- expect: kind SELECT; tables t, u; key t.id=$1
SELECT * FROM t WHERE t.id = $1 AND t.total > (SELECT avg(total) FROM u)
-- expect: kind SELECT; key t.id=$1
SELECT * FROM t WHERE id = $1 AND version = (SELECT max(version) FROM t t2 WHERE t2.id = $1)
-- expect: kind SELECT; key t.id=$1
SELECT * FROM t WHERE id = $1 AND version = (SELECT max(version) FROM t WHERE t.id = $1)

-- ===== window functions, aggregates, misc SELECT =====
-- expect: kind SELECT; key sales.region='eu'
SELECT region, product, sum(amount) OVER (PARTITION BY region ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) FROM sales WHERE region = 'eu'
-- expect: kind SELECT; nokey
SELECT rank() OVER w, id FROM sales WINDOW w AS (PARTITION BY region ORDER BY amount DESC)
-- expect: kind SELECT; key sales.shop_id=$1
SELECT day, count(*) FILTER (WHERE amount > 100) FROM sales WHERE shop_id = $1 GROUP BY day HAVING count(*) > 2 ORDER BY day
-- expect: kind SELECT; key events.user_id=$1
SELECT DISTINCT ON (user_id) * FROM events WHERE user_id = $1 ORDER BY user_id, created_at DESC
-- expect: kind SELECT; key docs.id=$1
SELECT data->>'title', data #> '{a,b}' FROM docs WHERE id = $1 AND data @> '{"x": 1}'
-- expect: kind SELECT; nokey
SELECT * FROM docs WHERE data->>'owner' = '42'
-- expect: kind SELECT; nokey
SELECT generate_series(1, 10)
-- expect: kind SELECT; nokey
SELECT 1
-- expect: kind SELECT; nokey
VALUES (1, 'a'), (2, 'b')
-- expect: kind SELECT; tables items; nokey
SELECT * FROM items TABLESAMPLE SYSTEM (10)
-- expect: kind SELECT; key items.id=4
SELECT * FROM items TABLESAMPLE BERNOULLI (50) REPEATABLE (1) WHERE id = 4
-- expect: kind SELECT; key items.id=4
SELECT * FROM ONLY items WHERE id = 4
-- expect: kind SELECT; nokey
SELECT * FROM items, unnest(ARRAY[1,2]) AS u(x) WHERE x = 1
-- expect: kind SELECT; key items.id=4
SELECT * FROM items WHERE items.id = 4 LIMIT ALL
-- expect: kind SELECT; key items.id=4
SELECT * FROM items WHERE id = 4 AND id = 4
-- expect: kind SELECT; key items.id=4
SELECT * FROM items WHERE id IN (4, 5) AND id = 4
-- expect: kind SELECT; key items.kind='a'b'
SELECT * FROM items WHERE kind = E'a\'b'
-- expect: kind SELECT; key items.kind='x'
SELECT * FROM items WHERE kind = $tag$x$tag$
-- expect: kind SELECT; key Items.Id=4
SELECT * FROM "Items" WHERE "Items"."Id" = 4
-- expect: kind SELECT; key items.id=4
select /* comment */ * from items -- trailing
where id = 4

-- ===== INSERT forms =====
-- expect: kind INSERT; nokey; norow
INSERT INTO t VALUES (1, 'a')
-- expect: kind INSERT; row t(id=1); row t(id=2); row t(id=3)
INSERT INTO t (id, created) VALUES (1, now()), (2, now()), (3, DEFAULT)
-- expect: kind INSERT; row t(id=$1, v=$2)
INSERT INTO t (id, v) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM t WHERE id = $1)
-- expect: kind INSERT; tables t, u; key u.id=5; norow
INSERT INTO t (id, v) SELECT id, v FROM u WHERE u.id = 5
-- expect: kind INSERT; tables t; nokey; norow
INSERT INTO t (id) SELECT id + 1 FROM t WHERE id = 5
-- expect: kind INSERT; row t(id=1)
INSERT INTO t (id, tags[1]) VALUES (1, 'x')
-- expect: kind INSERT; row s.t(id=1)
INSERT INTO s.t AS x (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET n = x.n + 1 WHERE x.id = 1
-- expect: kind INSERT; norow
INSERT INTO t DEFAULT VALUES
-- expect: kind INSERT; row t(id=1, ok=true, note=null)
INSERT INTO t (id, ok, note) VALUES (1, true, NULL)
-- expect: kind INSERT; tables t, u; row t(id=1, v=$1)
INSERT INTO t (id, v) VALUES (1, $1) RETURNING (SELECT count(*) FROM u)

-- ===== UPDATE / DELETE forms =====
-- expect: kind UPDATE; tables orders, customers; key orders.id=$2; key orders.customer_id=$1; key customers.id=$1
UPDATE orders o SET status = 'x' FROM customers c WHERE o.customer_id = c.id AND c.id = $1 AND o.id = $2
-- expect: kind UPDATE; nokey
UPDATE orders SET status = 'x' FROM customers WHERE id = 5
-- expect: kind DELETE; tables orders, customers; key orders.customer_id=3; key customers.id=3
DELETE FROM orders USING customers WHERE orders.customer_id = customers.id AND customers.id = 3
-- expect: kind DELETE; nokey
DELETE FROM orders WHERE CURRENT OF c1
-- expect: kind DELETE; nokey
DELETE FROM orders
-- expect: kind UPDATE; key orders.id=5
UPDATE orders SET (status, note) = ('a', 'b') WHERE id = 5 RETURNING *
-- expect: kind DELETE; tables orders, archive; key orders.id=5
DELETE FROM orders WHERE id = 5 AND id NOT IN (SELECT order_id FROM archive)

-- ===== transaction control =====
-- expect: kind BEGIN
BEGIN
-- expect: kind BEGIN
BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY
-- expect: kind BEGIN
START TRANSACTION
-- expect: kind COMMIT
COMMIT
-- expect: kind COMMIT
COMMIT AND CHAIN
-- expect: kind COMMIT
END
-- expect: kind ROLLBACK
ROLLBACK
-- expect: kind ROLLBACK
ABORT
-- expect: kind SAVEPOINT
SAVEPOINT sp1
-- expect: kind RELEASE
RELEASE sp1
-- expect: kind ROLLBACK_TO
ROLLBACK TO sp1
-- expect: kind PREPARE_TRANSACTION
PREPARE TRANSACTION 'tx-1'
-- expect: kind COMMIT_PREPARED
COMMIT PREPARED 'tx-1'
-- expect: kind ROLLBACK_PREPARED
ROLLBACK PREPARED 'tx-1'
-- expect: kind BEGIN,INSERT,UPDATE,COMMIT; key transfers.id=1; key transfers.amount=10; key accounts.id=2; row transfers(id=1, amount=10)
BEGIN; INSERT INTO transfers (id, amount) VALUES (1, 10); UPDATE accounts SET balance = balance - 10 WHERE id = 2; COMMIT;

-- ===== session settings =====
-- expect: kind SET; set SET search_path=a, b
SET search_path TO a, b
-- expect: kind SET; set SET search_path="$user", public
SET search_path = "$user", public
-- expect: kind SET; set SET search_path="My Schema"
SET search_path TO "My Schema"
-- expect: kind SET; set SET_LOCAL statement_timeout=5000
SET LOCAL statement_timeout = 5000
-- expect: kind SET; set SET statement_timeout=1min
SET statement_timeout TO '1min'
-- expect: kind SET; set SET work_mem=null
SET work_mem TO DEFAULT
-- expect: kind SET; set SET application_name=my app
SET application_name = 'my app'
-- expect: kind SET; set SET client_encoding=UTF8
SET NAMES 'UTF8'
-- expect: kind SET; set SET search_path=shard1
SET SCHEMA 'shard1'
-- expect: kind SET; set SET role=reporting
SET ROLE reporting
-- expect: kind SET; set SET extra_float_digits=3
SET extra_float_digits = 3
-- expect: kind SET; set SET __spqr__sharding_key=42
SET __spqr__sharding_key TO 42
-- expect: kind SET; set SET_TRANSACTION transaction=isolation level repeatable read, read only
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY
-- expect: kind SET; set SET session characteristics=isolation level read committed
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED
-- expect: kind RESET; set RESET search_path=null
RESET search_path
-- expect: kind RESET; set RESET_ALL null=null
RESET ALL
-- expect: kind DISCARD; set DISCARD_ALL all=null
DISCARD ALL
-- expect: kind DISCARD; set DISCARD_OTHER plans=null
DISCARD PLANS
-- expect: kind DISCARD; set DISCARD_OTHER temp=null
DISCARD TEMP
-- expect: kind SHOW
SHOW ALL
-- expect: kind SHOW
SHOW TRANSACTION ISOLATION LEVEL

-- ===== COPY =====
-- expect: kind COPY; tables items
COPY items (id, name) FROM STDIN WITH (FORMAT csv, HEADER true)
-- expect: kind COPY; tables s.items
COPY s.items TO STDOUT
-- expect: kind COPY; tables items; key items.id=3
COPY (SELECT * FROM items WHERE id = 3) TO STDOUT WITH (FORMAT binary)
-- expect: kind COPY; tables items
COPY items FROM '/tmp/items.csv' DELIMITER ',' CSV

-- ===== EXPLAIN, PREPARE, EXECUTE, cursors =====
-- expect: kind EXPLAIN; tables items; key items.id=3
EXPLAIN SELECT * FROM items WHERE id = 3
-- expect: kind EXPLAIN; key items.id=$1
EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) UPDATE items SET n = n + 1 WHERE id = $1
-- expect: kind EXPLAIN; row items(id=1)
EXPLAIN ANALYZE INSERT INTO items (id) VALUES (1)
-- expect: kind PREPARE; tables items; key items.id=$1
PREPARE get_item (bigint) AS SELECT * FROM items WHERE id = $1
-- expect: kind EXECUTE; nokey
EXECUTE get_item(7)
-- expect: kind DEALLOCATE
DEALLOCATE get_item
-- expect: kind DEALLOCATE
DEALLOCATE ALL
-- expect: kind OTHER; key items.id=3
DECLARE c1 CURSOR WITH HOLD FOR SELECT * FROM items WHERE id = 3
-- expect: kind OTHER
FETCH FORWARD 100 FROM c1
-- expect: kind OTHER
CLOSE c1

-- ===== LISTEN / NOTIFY and other utilities =====
-- expect: kind LISTEN
LISTEN orders_changed
-- expect: kind LISTEN
UNLISTEN *
-- expect: kind NOTIFY
NOTIFY orders_changed, 'id=5'
-- expect: kind SELECT; nokey
SELECT pg_notify('orders_changed', 'x')
-- expect: kind DO; nokey
DO $$ BEGIN UPDATE items SET n = 0 WHERE id = 1; END $$
-- expect: kind DO; nokey
DO LANGUAGE plpgsql $body$ DECLARE r record; BEGIN FOR r IN SELECT * FROM items LOOP RAISE NOTICE '%', r.id; END LOOP; END $body$
-- expect: kind CALL; nokey
CALL refresh_totals(5)
-- expect: kind OTHER; tables items
LOCK TABLE items IN ACCESS EXCLUSIVE MODE
-- expect: kind OTHER
CHECKPOINT
-- expect: kind OTHER; tables items
ANALYZE items
-- expect: kind OTHER; tables items, staging; nokey
MERGE INTO items i USING staging s ON i.id = s.id WHEN MATCHED THEN UPDATE SET n = s.n WHEN NOT MATCHED THEN INSERT (id, n) VALUES (s.id, s.n)
-- expect: kind OTHER; nokey
REINDEX INDEX items_pkey

-- ===== DDL =====
-- expect: kind DDL; tables shop.orders, shop.customers
CREATE TABLE shop.orders (id bigserial PRIMARY KEY, customer_id bigint REFERENCES shop.customers (id), total numeric(12,2) NOT NULL DEFAULT 0)
-- expect: kind DDL; tables measurements
CREATE TABLE measurements (city_id int NOT NULL, logdate date NOT NULL) PARTITION BY RANGE (logdate)
-- expect: kind DDL; tables measurements_y2024, measurements
CREATE TABLE measurements_y2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
-- expect: kind DDL; tables items
ALTER TABLE items ADD COLUMN price numeric DEFAULT 0, ALTER COLUMN name SET NOT NULL
-- expect: kind DDL; tables items
ALTER TABLE IF EXISTS items RENAME TO goods
-- expect: kind DDL; tables items
CREATE UNIQUE INDEX CONCURRENTLY items_sku_idx ON items USING btree (lower(sku)) WHERE deleted_at IS NULL
-- expect: kind DDL; tables items
DROP TABLE IF EXISTS items CASCADE
-- expect: kind DDL; tables
DROP INDEX CONCURRENTLY IF EXISTS items_sku_idx
-- expect: kind DDL; tables active_items, items; nokey
CREATE VIEW active_items AS SELECT * FROM items WHERE id = 5 AND deleted_at IS NULL
-- expect: kind DDL; tables items_copy, items; nokey
CREATE TABLE items_copy AS SELECT * FROM items WHERE id = 1
-- expect: kind DDL; tables items_summary, items
CREATE MATERIALIZED VIEW items_summary AS WITH x AS (SELECT * FROM items) SELECT count(*) FROM x
-- expect: kind DDL; tables items_summary
REFRESH MATERIALIZED VIEW CONCURRENTLY items_summary
-- expect: kind DDL; tables new_items, items; nokey
SELECT * INTO new_items FROM items WHERE id = 1
-- expect: kind DDL
CREATE SCHEMA IF NOT EXISTS shop
-- expect: kind DDL
CREATE SEQUENCE orders_seq START 1 INCREMENT 50
-- expect: kind DDL
CREATE EXTENSION IF NOT EXISTS pgcrypto
-- expect: kind DDL
CREATE OR REPLACE FUNCTION add(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT a + b'
-- expect: kind DDL
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')
-- expect: kind DDL; tables items
COMMENT ON TABLE items IS 'sellable things'
-- expect: kind DDL; tables items
GRANT SELECT, INSERT ON items TO app_user
-- expect: kind DDL; tables items
TRUNCATE items RESTART IDENTITY
-- expect: kind DDL; tables items
CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch()
-- expect: kind DDL; tables items
ALTER TABLE items ENABLE ROW LEVEL SECURITY
-- expect: kind DDL; tables items
CREATE POLICY tenant_isolation ON items USING (tenant_id = current_setting('app.tenant')::int)

-- ===== invalid SQL =====
-- expect: error
SELEC * FROM items
-- expect: error
SELECT * FROM items WHERE
-- expect: error
SELECT * FROM items WHERE id = 'unterminated
-- expect: error
INSERT INTO items (id VALUES (1)
-- expect: error
UPDATE SET x = 1
-- expect: error
BEGIN; SELECT 1; COMMITT;
-- expect: error
SELECT (1
-- expect: error
CREATE TABLE (id int)
-- expect: error
SELECT * FROM items LIMIT
-- expect: error
SELECT * FROM items ORDER id
