-- What the router reports about itself; the test's router has two clients, one pool, one host, one backend.
SHOW clients;
SHOW clients WHERE user = 'app';
-- as in SQL, NULL <> 'b1' is not true, so c2 does not show
SHOW clients WHERE server_id <> 'b1';
SHOW pools;
SHOW backend_connections;
SHOW hosts;
SHOW backend_connections WHERE hostname = 'localhost';
SHOW status;
SHOW version;
SHOW Version;
-- errors
SHOW databases;
SHOW "SHARDS";
SHOW routers;
SHOW task_group;
SHOW pools WHERE db = 'shop';
