/*
 * The Shardgate admin console language: SPQR's console statements, with PostgreSQL's lexical
 * rules (case-insensitive keywords, "quoted identifiers", 'strings' with '' escapes, -- and
 * nested block comments). StatementBuilder turns the parse tree into dev.shardgate.console.ast.
 */
grammar ConsoleSyntax;

options { caseInsensitive = true; }

// Empty statements between semicolons are allowed, as in psql.
script
    : statement? (SEMI statement?)* EOF
    ;

statement
    : createDistribution
    | dropDistribution
    | setDefaultShard
    | attachRelations
    | alterRelationKey
    | renameDistributionColumn
    | alterRelationSchema
    | createDistributedRelation
    | detachRelation
    | dropSequence
    | createReferenceTable
    | dropReferenceTable
    | syncReferenceTables
    | createUniqueIndex
    | dropUniqueIndex
    | createKeyRange
    | createKeyRanges
    | dropKeyRange
    | splitKeyRange
    | uniteKeyRange
    | lockKeyRange
    | unlockKeyRange
    | moveKeyRange
    | renameKeyRange
    | redistributeKeyRange
    | checkDistribution
    | rebalanceDistribution
    | createShard
    | dropShard
    | drainShard
    | alterShardHosts
    | alterShardOptions
    | failoverShard
    | switchoverShard
    | show
    | registerRouter
    | unregisterRouter
    | stopTaskGroup
    | retryTaskGroup
    | killClient
    | pauseTraffic
    | resumeTraffic
    | recoverTwoPhase
    | reload
    | setParameter
    | help
    ;

// ---- distributions and relations ----

createDistribution
    : CREATE DISTRIBUTION identifier
      (COLUMN TYPES columnTypes | LPAREN columnTypes RPAREN)
      (DEFAULT SHARD defaultShard=identifier)?
    ;

columnTypes
    : columnType (COMMA columnType)*
    ;

columnType
    : (INTEGER | INT | VARCHAR | UUID) HASH?
    ;

dropDistribution
    : DROP DISTRIBUTION (ALL | identifier) CASCADE?
    ;

attachRelations
    : ALTER DISTRIBUTION identifier ATTACH relationKeyClause (COMMA relationKeyClause)*
    ;

relationKeyClause
    : (RELATION | TABLE) relationName DISTRIBUTION KEY keyColumn (COMMA keyColumn)* autoIncrement?
    ;

// A column, or SPQR's routing expression: one key entry hashed from several columns, MURMUR [a INTEGER, b VARCHAR].
keyColumn
    : identifier (HASH FUNCTION? hashFunction=identifier)?
    | hashFunction=identifier LBRACKET routingColumn (COMMA routingColumn)* RBRACKET
    ;

// SPQR's spellings: integer, int, uinteger, varchar, with or without HASH (the same bytes are hashed).
routingColumn
    : column=identifier type=identifier HASH?
    ;

// SPQR's older spelling: CREATE [DISTRIBUTED] RELATION r (col [HASH [FUNCTION] h], …) [IN ds]
createDistributedRelation
    : CREATE DISTRIBUTED? RELATION relationName
      ( LPAREN keyColumn (COMMA keyColumn)* RPAREN
      | DISTRIBUTION KEY keyColumn (COMMA keyColumn)*
      )
      autoIncrement?
      (IN distribution=identifier | FOR DISTRIBUTION distribution=identifier)?
    ;

// Columns the router fills from sequences when an INSERT leaves them out (SPQR's spelling).
autoIncrement
    : AUTO INCREMENT identifier (COMMA identifier)* (START start=NUMBER)?
    ;

// Sequences are named <relation>_<column>, with the schema in front outside public.
dropSequence
    : DROP SEQUENCE (schema=identifier DOT)? name=identifier
    ;

detachRelation
    : ALTER DISTRIBUTION identifier DETACH (RELATION | TABLE) relationName
    ;

setDefaultShard
    : ALTER DISTRIBUTION distribution=identifier (ADD DEFAULT SHARD shard=identifier | DROP DEFAULT SHARD)
    ;

// The whole key is replaced.
alterRelationKey
    : ALTER DISTRIBUTION identifier ALTER (RELATION | TABLE) relationName DISTRIBUTION KEY keyColumn (COMMA keyColumn)*
    ;

// Metadata only: no ALTER TABLE runs on the shards.
renameDistributionColumn
    : ALTER DISTRIBUTION distribution=identifier ALTER (RELATION | TABLE) relationName
      RENAME DISTRIBUTION COLUMN column=identifier TO newName=identifier
    ;

// The schema the relation lives in, in the metadata only (routing and data moves name it so).
alterRelationSchema
    : ALTER DISTRIBUTION distribution=identifier ALTER (RELATION | TABLE) relationName SCHEMA schema=identifier
    ;

// AUTO INCREMENT: the router fills the columns from sequences, the same value on every shard's copy.
createReferenceTable
    : CREATE REFERENCE (TABLE | RELATION) relationName autoIncrement? (ON identifierList)?
    ;

dropReferenceTable
    : DROP REFERENCE (TABLE | RELATION) relationName
    ;

// Copies the rows from a shard that holds the table to one whose copy is missing or stale (coordinator).
syncReferenceTables
    : SYNC REFERENCE (TABLES | RELATIONS | (TABLE | RELATION) relationName) ON shard=identifier
    ;

// SPQR's global unique index; here metadata only (nothing enforces it across shards).
createUniqueIndex
    : CREATE UNIQUE INDEX id=identifier ON relationName COLUMNS LPAREN typedColumn (COMMA typedColumn)* RPAREN
    ;

typedColumn
    : identifier columnType
    ;

dropUniqueIndex
    : DROP UNIQUE INDEX identifier
    ;

relationName
    : (schema=identifier DOT)? name=identifier
    ;

// ---- key ranges ----

createKeyRange
    : CREATE KEY RANGE id=identifier? FROM bound ROUTE TO shard=identifier
      (FOR DISTRIBUTION distribution=identifier)?
    ;

bound
    : literal (COMMA literal)*
    ;

// N key ranges of equal width over [FROM, TO) (integer keys) or the whole 32-bit hash space (hashed
// keys, or part of it with FROM/TO), routed round-robin to the shards, in one metadata change.
// SPQR's spelling makes one range per shard (all shards, or those USING SHARDS names), named ds-0, ds-1, ….
createKeyRanges
    : CREATE KEY RANGES count=NUMBER FOR DISTRIBUTION distribution=identifier
      (FROM lower=literal TO upper=literal)? ROUTE TO identifierList
    | CREATE KEY RANGES FOR DISTRIBUTION distribution=identifier
      (BETWEEN lower=literal AND upper=literal)? (USING (ALL SHARDS | SHARDS identifierList))?
    ;

dropKeyRange
    : DROP KEY RANGE (ALL | identifier)
    ;

splitKeyRange
    : SPLIT KEY RANGE newId=identifier FROM sourceId=identifier BY bound
    ;

uniteKeyRange
    : UNITE KEY RANGE keyRange=identifier WITH withKeyRange=identifier
    ;

lockKeyRange
    : LOCK KEY RANGE identifier
    ;

unlockKeyRange
    : UNLOCK KEY RANGE identifier
    ;

moveKeyRange
    : MOVE KEY RANGE keyRange=identifier TO shard=identifier (META ONLY)?
    ;

renameKeyRange
    : RENAME KEY RANGE keyRange=identifier TO newId=identifier
    ;

// SPQR names the task group with TASK GROUP id; Shardgate numbers its own otherwise.
redistributeKeyRange
    : REDISTRIBUTE KEY RANGE keyRange=identifier TO shard=identifier
      (BATCH SIZE batchSize=NUMBER)? (TASK GROUP taskGroup=opaqueId)? (CHECK | APPLY)? NOWAIT?
    ;

// Counts, per relation and shard, the rows whose key lies outside the shard's key ranges.
checkDistribution
    : CHECK DISTRIBUTION identifier
    ;

// Measures every key range of the distribution on its shard and splits and moves ranges until every
// shard holds within THRESHOLD percent of the mean (coordinator only).
rebalanceDistribution
    : REBALANCE DISTRIBUTION identifier (BY (ROWS | BYTES))? (THRESHOLD threshold=NUMBER)? (DRY RUN)?
    ;

// ---- shards ----

createShard
    : CREATE SHARD identifier
      ( WITH HOSTS text (COMMA text)*
      | OPTIONS LPAREN HOST text (COMMA HOST text)* RPAREN
      )
    ;

dropShard
    : DROP SHARD identifier
    ;

// Moves every key range of the shard (round-robin over the TO shards, or all others) and its
// reference-table duties away, so that DROP SHARD can follow.
drainShard
    : DRAIN SHARD shard=identifier (TO identifierList)? (BATCH SIZE batchSize=NUMBER)?
    ;

// HOST and HOSTS are both accepted: one host or a list reads naturally either way.
alterShardHosts
    : ALTER SHARD identifier (ADD | DROP) (HOST | HOSTS) text (COMMA text)*
    ;

// SPQR's spelling: ADD and DROP change the list; SET (or no action) hosts replace it.
alterShardOptions
    : ALTER SHARD identifier OPTIONS LPAREN hostOption (COMMA hostOption)* RPAREN
    ;

hostOption
    : (ADD | DROP | SET)? HOST text
    ;

// ---- replicas ----

failoverShard
    : FAILOVER SHARD identifier (TO text)? FORCE?
    ;

switchoverShard
    : SWITCHOVER SHARD identifier (TO text)?
    ;

// ---- observation ----

// The object list stays open: the executor rejects names it does not know.
// SPQR's form: a column list, WHERE, GROUP BY (one row per group with its count), ORDER BY.
show
    : SHOW identifier (LPAREN columns=identifierList RPAREN)? (WHERE condition)?
      (GROUP BY groupBy=identifierList)? (ORDER BY orderBy=identifier (ASC | DESC)?)?
    ;

condition
    : LPAREN condition RPAREN                      # parenthesized
    | condition AND condition                      # conjunction
    | condition OR condition                       # disjunction
    | identifier comparisonOperator literal        # comparison
    ;

comparisonOperator
    : EQ | NE
    ;

// ---- routers, tasks, clients ----

registerRouter
    : REGISTER ROUTER identifier ADDRESS text
    ;

unregisterRouter
    : UNREGISTER ROUTER (ALL | identifier)
    ;

// IMMEDIATE: stop after the step running now instead of at the end of the batch.
stopTaskGroup
    : STOP TASK GROUP (ALL | opaqueId) IMMEDIATE?
    ;

retryTaskGroup
    : RETRY TASK GROUP (ALL | opaqueId)
    ;

killClient
    : KILL CLIENT opaqueId
    ;

// New transactions on the shard (every shard without SHARD) wait until RESUME; in-flight ones finish.
pauseTraffic
    : PAUSE (SHARD identifier)?
    ;

resumeTraffic
    : RESUME (SHARD identifier)?
    ;

// Finishes the prepared transactions a crashed router left on its shards.
recoverTwoPhase
    : RECOVER TWO PHASE
    ;

// Re-reads router.yaml or coordinator.yaml; answered by the router or coordinator itself.
reload
    : RELOAD
    ;

// Task group and client ids are often numbers or UUIDs, which are no bare identifiers.
opaqueId
    : identifier | STRING | NUMBER
    ;

// ---- session ----

// Drivers set session parameters right after connecting (pgjdbc: SET extra_float_digits = 3);
// the console accepts and ignores them so that such clients can connect.
setParameter
    : SET identifier (EQ | TO) (literal | identifier | ALL)
    ;

// Lists the statements whose syntax starts with the words (any keywords or names), or all of them.
help
    : HELP (identifier | ALL)*
    ;

// ---- names and literals ----

// Where SPQR takes a host or address it reads "double quotes" as a string too (CREATE SHARD sh1
// WITH HOSTS "h:p"): there a quoted identifier is a string.
text
    : STRING | QUOTED_IDENTIFIER
    ;

literal
    : NUMBER | STRING
    ;

identifierList
    : identifier (COMMA identifier)*
    ;

identifier
    : IDENTIFIER
    | QUOTED_IDENTIFIER
    | nonReservedKeyword
    ;

// Every keyword except the few whose place in a statement would collide with a name.
nonReservedKeyword
    : ADD | ADDRESS | ALTER | APPLY | ATTACH | AUTO | BATCH | BY | CASCADE | CHECK | CLIENT | COLUMN | CREATE
    | DEFAULT | DETACH | DISTRIBUTED | DRAIN | DISTRIBUTION | DROP | FAILOVER | FOR | FORCE | FROM | FUNCTION | GROUP | HASH
    | HOST | HOSTS | IN | INCREMENT | INT | INTEGER | KEY | KILL | LOCK | MOVE | NOWAIT | ON | OPTIONS | PAUSE | PHASE | RANGE | RANGES | RECOVER
    | REDISTRIBUTE | REFERENCE | REGISTER | RELATION | RESUME | RETRY | ROUTE | ROUTER | SEQUENCE | SET | SHARD | SHOW
    | SIZE | SPLIT | START | STOP | SWITCHOVER | TABLE | TASK | TO | TWO | TYPES | UNITE | UNLOCK | UNREGISTER | UUID | VARCHAR | WITH
    | BYTES | DRY | REBALANCE | ROWS | RUN | THRESHOLD
    | RELOAD
    | HELP | META | ONLY | RENAME | RELATIONS | SYNC | TABLES | COLUMNS | INDEX | UNIQUE
    | ASC | DESC | ORDER
    | BETWEEN | IMMEDIATE | SCHEMA | SHARDS | USING
    ;

// ---- lexer ----

ADD: 'add';
ADDRESS: 'address';
ALL: 'all';
ALTER: 'alter';
AND: 'and';
APPLY: 'apply';
ASC: 'asc';
ATTACH: 'attach';
AUTO: 'auto';
BATCH: 'batch';
BETWEEN: 'between';
BY: 'by';
BYTES: 'bytes';
CASCADE: 'cascade';
CHECK: 'check';
CLIENT: 'client';
COLUMN: 'column';
COLUMNS: 'columns';
CREATE: 'create';
DEFAULT: 'default';
DESC: 'desc';
DETACH: 'detach';
DISTRIBUTED: 'distributed';
DISTRIBUTION: 'distribution';
DRAIN: 'drain';
DROP: 'drop';
DRY: 'dry';
FAILOVER: 'failover';
FOR: 'for';
FORCE: 'force';
FROM: 'from';
FUNCTION: 'function';
GROUP: 'group';
HELP: 'help';
HASH: 'hash';
HOST: 'host';
HOSTS: 'hosts';
IMMEDIATE: 'immediate';
IN: 'in';
INDEX: 'index';
INCREMENT: 'increment';
INT: 'int';
INTEGER: 'integer';
KEY: 'key';
KILL: 'kill';
LOCK: 'lock';
META: 'meta';
MOVE: 'move';
NOWAIT: 'nowait';
ON: 'on';
ONLY: 'only';
OPTIONS: 'options';
OR: 'or';
ORDER: 'order';
PAUSE: 'pause';
PHASE: 'phase';
RANGE: 'range';
RANGES: 'ranges';
REBALANCE: 'rebalance';
RECOVER: 'recover';
RELOAD: 'reload';
REDISTRIBUTE: 'redistribute';
REFERENCE: 'reference';
REGISTER: 'register';
RENAME: 'rename';
RELATION: 'relation';
RELATIONS: 'relations';
RESUME: 'resume';
RETRY: 'retry';
ROUTE: 'route';
ROUTER: 'router';
ROWS: 'rows';
RUN: 'run';
SEQUENCE: 'sequence';
SCHEMA: 'schema';
SET: 'set';
SHARD: 'shard';
SHARDS: 'shards';
SHOW: 'show';
SIZE: 'size';
SPLIT: 'split';
START: 'start';
STOP: 'stop';
SWITCHOVER: 'switchover';
SYNC: 'sync';
TABLE: 'table';
TABLES: 'tables';
TASK: 'task';
THRESHOLD: 'threshold';
TO: 'to';
TWO: 'two';
TYPES: 'types';
UNIQUE: 'unique';
UNITE: 'unite';
UNLOCK: 'unlock';
UNREGISTER: 'unregister';
USING: 'using';
UUID: 'uuid';
VARCHAR: 'varchar';
WHERE: 'where';
WITH: 'with';

SEMI: ';';
COMMA: ',';
DOT: '.';
LPAREN: '(';
RPAREN: ')';
LBRACKET: '[';
RBRACKET: ']';
EQ: '=';
NE: '<>' | '!=';

// A leading minus belongs to the number: the language has no arithmetic, and "--" is a comment.
NUMBER: '-'? [0-9]+;

STRING: '\'' ( ~'\'' | '\'\'' )* '\'';

QUOTED_IDENTIFIER: '"' ( ~'"' | '""' )+ '"';

// Hyphens inside names are SPQR habit ("sh-1"); never two in a row, which would start a comment.
IDENTIFIER: [a-z_\u0080-\u{10FFFF}] [a-z0-9_$\u0080-\u{10FFFF}]* ( '-' [a-z0-9_$\u0080-\u{10FFFF}]+ )*;

LINE_COMMENT: '--' ~[\r\n]* -> skip;

// PostgreSQL block comments nest.
BLOCK_COMMENT: '/*' ( BLOCK_COMMENT | . )*? '*/' -> skip;

WHITESPACE: [ \t\r\n\f]+ -> skip;

// Malformed lexemes: the unterminated forms match only when the closing quote never comes. No
// parser rule accepts them, so parsing stops there and the error names them as PostgreSQL does.
UNTERMINATED_STRING: '\'' ( ~'\'' | '\'\'' )* EOF;
UNTERMINATED_QUOTED_IDENTIFIER: '"' ( ~'"' | '""' )* EOF;
EMPTY_QUOTED_IDENTIFIER: '""';
UNTERMINATED_BLOCK_COMMENT: '/*' ( ~'*' | '*'+ ~[*/] )* '*'* EOF;

// Anything else is a token no rule accepts, so it surfaces as "syntax error at or near".
UNEXPECTED_CHARACTER: .;
