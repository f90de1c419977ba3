-- Statements this console does not run, and SET, which drivers send and the console ignores.
REDISTRIBUTE KEY RANGE kr1 TO sh2 BATCH SIZE 100 NOWAIT;
REGISTER ROUTER r1 ADDRESS 'router1:7000';
UNREGISTER ROUTER r1;
UNREGISTER ROUTER ALL;
STOP TASK GROUP 'tg-1';
RETRY TASK GROUP 42;
KILL CLIENT 7;
SET extra_float_digits = 3;
SET application_name TO 'psql';
