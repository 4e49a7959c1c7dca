// Engine-neutral types of the schema engine: migration sets, migrations, steps, backfill tasks, the dialect
// interface the runner talks to, and the plan/progress shapes it produces (DESIGN.md §6, research/migrations.md §7).
//
// Migration definitions are plain data (SQL text + declared locks) so that (a) their SHA-256 checksum is stable
// whichever transpiler loaded them (CLI under tsx, `pulumi up` under ts-node, the dynamic-provider host), and
// (b) they serialize into the dynamic provider as literals. Code only appears in set *builders*, which turn
// options (e.g. the conformance type list) into data before anything is checksummed.

/** Database engines the runner supports. */
export type Engine = "postgres" | "mssql";

/** A value bound as a query parameter (never spliced into SQL text). Arrays are PostgreSQL arrays. */
export type SqlValue = string | number | boolean | null | bigint | string[] | number[];

/**
 * One SQL statement in the engine's native text. Values are positional parameters written the engine's way
 * (`$1` on PostgreSQL, `@p1` on SQL Server). `{{name}}` / `{{name:kind}}` tokens are only allowed in templates
 * run by `forEach` (see {@link ForEachAction}) and are substituted from catalog rows after validation.
 */
export interface SqlStatement {
  sql: string;
  params?: SqlValue[];
  /** Overrides the step's lock for this statement in the plan (e.g. the brief AccessExclusive of an ATTACH). */
  lock?: LockSpec;
  /**
   * Run outside any transaction (CREATE INDEX CONCURRENTLY, ONLINE/RESUMABLE index builds, REINDEX CONCURRENTLY).
   * Defaults to the step's `transactional` flag inverted.
   */
  autocommit?: boolean;
}

/**
 * Runs templated statements once per row of a catalog query (e.g. per leaf partition). Tokens:
 * `{{col}}` → the row's value as a validated, quoted identifier; `{{col:qualified}}` → "schema"."name" from a
 * dotted value; `{{col:number}}` → a finite number literal; `{{col:keyword}}` → an unquoted `[A-Za-z_][A-Za-z0-9_]*`
 * word (e.g. a reloption name). Anything else is rejected, so no SQL is built from unchecked strings.
 */
export interface ForEachAction {
  /** Query whose rows drive the templates; `"beforeImage"` iterates the rows captured before `up` ran. */
  rows: SqlStatement | "beforeImage";
  statements: SqlStatement[];
}

export type StepAction = SqlStatement | { forEach: ForEachAction };

/** The kind of a step: drives the plan's classification and which executor runs it. */
export type StepKind = "ddl" | "index" | "backfill" | "validate" | "tuning";

/** The lock a statement takes, as a reviewer reads it in the plan. */
export interface LockSpec {
  /** Engine lock mode, e.g. "AccessExclusive", "ShareUpdateExclusive", "Sch-M", "RowExclusive", "none". */
  mode: string;
  /** What it is taken on, e.g. "fhir.resource (parent + leaves)", "dbo.Resource". */
  on: string;
  /** Held only for a catalog change (milliseconds) rather than for the length of a scan or rewrite. */
  brief: boolean;
  /** Whether the statement scans or rewrites the table (drives the duration estimate). */
  scans?: boolean;
  /** Should run in a maintenance window even though it is online. */
  maintenanceWindow?: boolean;
}

/**
 * A query answering "is this already done?". It must return one row whose first column is truthy when the
 * step's effect is present, which makes every step idempotent and lets the runner adopt existing objects.
 */
export type Probe = SqlStatement;

/** One step of a migration. Steps run in order; rollback runs their `down` actions in reverse order. */
export interface MigrationStep {
  /** Unique inside its migration; stable (it keys the ledger). */
  name: string;
  kind: StepKind;
  description: string;
  lock: LockSpec;
  /** Wrap `up` in one transaction (DDL that must be atomic). False for online index builds. */
  transactional: boolean;
  /** Skip `up` when this returns true (already applied, adopted from an existing database). */
  done?: Probe;
  up: StepAction[];
  /** Rollback actions; must be idempotent from any partial state of `up`. */
  down?: StepAction[];
  /** Skip `down` when this returns true (nothing left to undo). */
  downDone?: Probe;
  /** Captured before `up` runs and stored in the ledger so `down` can restore exactly (reloptions, FKs). */
  beforeImage?: SqlStatement;
  /** For kind "backfill". */
  backfill?: BackfillTask;
  /** For kind "validate": checks that must all pass before the migration is marked completed. */
  checks?: ValidationCheck[];
  /** Row estimate for the plan (e.g. reltuples / sys.dm_db_partition_stats); first column is a number. */
  estimateRows?: SqlStatement;
}

/**
 * A batched data change walked by key ranges (research/migrations.md §7.4). The table is split into scopes
 * (e.g. one per conformance ResourceTypeId, resolved by name at run time); inside a scope the walk is over one
 * monotonically increasing integer key. Each batch updates `key > last AND key <= hi AND <pending>`, so a replay
 * is harmless, and commits its checkpoint in the same transaction.
 */
export interface BackfillTask {
  /** Task name; checkpoints are keyed `<name>/<scope>`. */
  name: string;
  /** Schema-qualified table, e.g. "fhir.resource" or "dbo.Resource" (validated and quoted by the dialect). */
  table: string;
  /** Column that equals the scope value in every row of a scope (partition elimination), e.g. ResourceTypeId. */
  scopeColumn: string;
  /** Returns the scopes: rows of (scope value int, scope label text), e.g. resolved conformance types. */
  scopes: SqlStatement;
  /** Integer key inside a scope, e.g. ResourceSurrogateId. */
  keyColumn: string;
  /** SET assignment of the forward change, trusted text from the set (checksummed), e.g. `"partition_id" = 1`. */
  set: string;
  /** Predicate of rows still to change, e.g. `"partition_id" <> 1`; the replay guard. */
  pending: string;
  /** The reverse change used by rollback. */
  reverse?: { set: string; pending: string };
  /**
   * Cheap row estimate of one scope for progress and ETA (catalog statistics; first parameter = scope value).
   * Without it the executor counts pending rows, which scans the scope: fine for tests, not for billions of rows.
   */
  estimateScopeRows?: SqlStatement;
  /** Target duration of one batch (default 300 ms). */
  targetBatchMs?: number;
  /** Batch size bounds; the dialect's cap (SQL Server 4,000) always applies. */
  minBatch?: number;
  maxBatch?: number;
  initialBatch?: number;
}

/** A validation query: its first column is a count of violating rows (must equal `expect`, default 0). */
export interface ValidationCheck {
  name: string;
  sql: SqlStatement;
  expect?: number;
  /** Informational counts (reported, never failing), e.g. rows per partition. */
  report?: boolean;
  /** Keys of up to 10 rows that make the check fail, named in the failure so an operator can find them. */
  offenders?: SqlStatement;
  /** What to do when the check fails (shown with the failure). */
  remedy?: string;
}

/** A migration: an ordered list of steps applied as one unit in the ledger. */
export interface Migration {
  /** Sortable id, e.g. "0001-resource-store". Strict order inside a set. */
  id: string;
  description: string;
  steps: MigrationStep[];
  /** Rollback is refused once true (e.g. after the application relies on partitions). */
  irreversible?: boolean;
}

/** A migration set built for one engine with concrete options. */
export interface MigrationSet {
  name: string;
  engine: Engine;
  description: string;
  migrations: Migration[];
  /** Options the set was built with (recorded in the ledger and part of the checksum). */
  options: Record<string, unknown>;
  /** Sets that must be fully applied on the same database first. */
  requires?: string[];
  /**
   * Read-only checks run before the set first touches a database (no migration of it in the ledger yet), before
   * even the ledger is created: each returns one row whose one column is null when the database can be created
   * or adopted, else the first object that differs ("dms.alias index ix_alias_documentid: expected …, found …").
   * Not part of the checksum: they guard, they change nothing.
   */
  preconditions?: { name: string; sql: SqlStatement }[];
}

/** A migration set with its checksums computed (schema/checksum.ts). */
export interface ChecksummedSet extends MigrationSet {
  checksum: string;
  migrationChecksums: Record<string, string>;
}

/** A registry entry: builds the set for an engine from user options (validated, named errors). */
export interface MigrationSetDefinition {
  name: string;
  description: string;
  engines: Engine[];
  /** Option names and their meaning, for `check` messages and `--help`. */
  optionDocs?: Record<string, string>;
  /** Throws an error naming the option, value and allowed set/range on bad options. */
  build(engine: Engine, options?: Record<string, unknown>): MigrationSet;
}

// ---------------------------------------------------------------------------------------------------------------
// Dialects and sessions

/** How to reach a database; secrets stay in memory only. */
export interface ConnectionSpec {
  engine: Engine;
  /** Full connection URL (postgres://… or mssql://…); may include a password. */
  url?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  /** An Entra access token (Azure SQL / Azure PostgreSQL), acquired at run time. */
  accessToken?: string;
  ssl?: boolean;
}

export interface QueryResult<T = Record<string, unknown>> {
  rows: T[];
  rowCount: number;
}

/** One connection to the target database. */
export interface DbSession {
  readonly dialect: Dialect;
  query<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<QueryResult<T>>;
  /** Runs `fn` in one transaction; rolls back on throw. */
  transaction<T>(fn: (tx: DbSession) => Promise<T>): Promise<T>;
  /** Session lock/statement timeouts in milliseconds (0 = none). */
  setTimeouts(t: { lockMs?: number; statementMs?: number }): Promise<void>;
  /** Session-level exclusive lock named `key`; false when another runner holds it. */
  tryLock(key: string): Promise<boolean>;
  unlock(key: string): Promise<void>;
  /** Engine health signals for throttling. */
  health(): Promise<HealthSignals>;
  close(): Promise<void>;
}

/** Health indicators sampled between batches; undefined when the engine cannot report one. */
export interface HealthSignals {
  /** PostgreSQL: max replica replay lag; SQL Server: geo-replication lag. */
  replicationLagMs?: number;
  /** Sessions waiting on locks held by this session. */
  blockedByUs?: number;
  /** Age of the oldest other open transaction. */
  longestTransactionMs?: number;
  /** SQL Server: avg_log_write_percent of sys.dm_db_resource_stats. */
  logWritePercent?: number;
  /** SQL Server: sessions currently waiting on LOG_RATE_GOVERNOR / HADR_THROTTLE_LOG_RATE_GOVERNOR. */
  logRateGovernorWaits?: number;
  /** Autovacuum running on the target table (PostgreSQL). */
  autovacuumRunning?: boolean;
}

/** Thresholds that slow down or pause the backfill (gh-ost max-load / pt-osc pause). */
export interface ThrottlePolicy {
  maxReplicationLagMs: number;
  maxBlockedByUs: number;
  maxLongestTransactionMs: number;
  maxLogWritePercent: number;
  maxLogRateGovernorWaits: number;
  /** Sleep when throttled, before sampling again. */
  throttleSleepMs: number;
  /** Sleep after each batch = niceRatio × batch time (gh-ost nice-ratio). */
  niceRatio: number;
}

/** The engine adapter: SQL that differs between PostgreSQL and SQL Server lives behind this. */
export interface Dialect {
  engine: Engine;
  /** Validates (letters, digits, `_`, ≤ 63/128 chars) and quotes one identifier; throws naming the value. */
  quoteIdent(name: string): string;
  /** Quotes "schema.table" (each part validated). */
  quoteQualified(name: string): string;
  /** The n-th (1-based) positional parameter placeholder: `$n` or `@pn`. */
  param(n: number): string;
  /** Hard cap on backfill batch rows (SQL Server 4,000: lock escalation at 5,000 locks). */
  maxBatchRows: number;
  /** Opens a session (drivers are `require`d lazily inside). */
  connect(conn: ConnectionSpec): Promise<DbSession>;
  /** True when the error is a lock timeout / deadlock / transient error worth retrying with backoff. */
  isRetryable(err: unknown): boolean;
  /** Statements creating the ledger schema and tables (idempotent). */
  ledgerDdl(schema: string): string[];
  /** Splits a script into batches (SQL Server: on `GO` lines; PostgreSQL: the script itself). */
  splitBatches(script: string): string[];
  /** SQL of one key-range batch: returns (hi key, rows updated). Built from validated identifiers only. */
  backfillBatchSql(t: BackfillSqlParts): string;
  /** SQL returning the upper key of the next `n` keys after `last` in a scope. */
  nextKeySql(t: BackfillSqlParts): string;
  /** SQL returning max(key) of a scope as `hi` (the high-water mark; an index seek). */
  maxKeySql(t: BackfillSqlParts): string;
  /** SQL counting a scope's pending rows as `n` (a scan: used only when the task has no cheap estimate). */
  countPendingSql(t: BackfillSqlParts): string;
}

/** The validated pieces of a backfill task the dialect assembles into SQL. */
export interface BackfillSqlParts {
  table: string;
  scopeColumn: string;
  keyColumn: string;
  set: string;
  pending: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Ledger, plan and progress

export type MigrationState =
  | "pending"
  | "running"
  | "backfilling"
  | "validating"
  | "completed"
  | "failed"
  | "paused"
  | "rolling_back"
  | "rolled_back"
  | "baselined";

export type StepState = "pending" | "running" | "done" | "skipped" | "failed" | "rolled_back";

/** One migration's row in the ledger. */
export interface LedgerMigration {
  setName: string;
  migrationId: string;
  seq: number;
  checksum: string;
  state: MigrationState;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
  options?: Record<string, unknown>;
}

export interface LedgerStep {
  setName: string;
  migrationId: string;
  stepNo: number;
  name: string;
  kind: StepKind;
  state: StepState;
  attempts: number;
  beforeImage?: unknown;
  lastError?: string;
}

export interface BackfillCheckpoint {
  setName: string;
  migrationId: string;
  /** `<task>/<scope label>` */
  task: string;
  direction: "forward" | "reverse";
  scopeValue: number;
  lastKey: string;
  highWaterKey: string;
  rowsDone: number;
  rowsEstimated: number;
  batchSize: number;
  emaRowsPerSec: number;
  state: "running" | "sweeping" | "done";
}

/** A statement as the plan shows it. */
export interface PlanStatement {
  sql: string;
  lock: LockSpec;
  autocommit: boolean;
}

export interface StepPlan {
  stepNo: number;
  name: string;
  kind: StepKind;
  description: string;
  /** "done" = probe/ledger says applied; "pending" = will run. */
  status: "done" | "pending" | "unknown";
  lock: LockSpec;
  statements: PlanStatement[];
  rowsEstimated?: number;
  estimatedMs?: number;
}

export interface MigrationPlan {
  migrationId: string;
  description: string;
  checksum: string;
  ledgerState?: MigrationState;
  /** False when the ledger holds a different checksum for an applied migration (a hard error on apply). */
  checksumMatches: boolean;
  steps: StepPlan[];
}

/** What `plan` / `diff` return: read-only. */
export interface SetPlan {
  setName: string;
  engine: Engine;
  checksum: string;
  migrations: MigrationPlan[];
  pendingMigrations: number;
  estimatedMs: number;
  problems: string[];
}

/** Progress and lifecycle events from the runner (CLI progress bar, provider logs, tests). */
export type RunnerEvent =
  | { type: "migration"; migrationId: string; state: MigrationState }
  | { type: "step"; migrationId: string; step: string; state: StepState; detail?: string }
  | {
      type: "backfill";
      migrationId: string;
      task: string;
      rowsDone: number;
      rowsEstimated: number;
      rowsPerSec: number;
      etaMs?: number;
      batchSize: number;
      batchMs: number;
    }
  | { type: "throttle"; reason: string; sleepMs: number }
  | { type: "retry"; what: string; attempt: number; sleepMs: number; error: string }
  | { type: "validation"; migrationId: string; check: string; value: number; ok: boolean }
  | { type: "paused"; reason: string };

/**
 * A defined point of a run where the runner waits for `RunOptions.barrier` before it goes on: lets a caller
 * (a fleet coordinator, a test racing writers against a migration) act at that point by construction, not by timing.
 */
export type BarrierPoint =
  | { point: "step"; migrationId: string; step: string; direction: "forward" | "reverse" }
  | { point: "batch"; migrationId: string; task: string; direction: "forward" | "reverse"; batches: number }
  | { point: "validation"; migrationId: string; attempt: number };

/** Options of one runner invocation. */
export interface RunOptions {
  /** Awaited at every BarrierPoint; the run stays where it is until the promise settles (a rejection fails the step). */
  barrier?: (at: BarrierPoint) => Promise<void> | void;
  onEvent?: (e: RunnerEvent) => void;
  /** Checked before every batch and step; true stops cleanly (the next run resumes). */
  shouldPause?: () => boolean;
  /** Stop cleanly after this many ms (a Pulumi update's time box). */
  timeBudgetMs?: number;
  throttle?: Partial<ThrottlePolicy>;
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** Adopt an existing database: record migrations whose probes all say done as baselined. */
  baseline?: boolean;
  /** How long to wait for the per-database runner lock (default 15 s). */
  lockWaitMs?: number;
  /** Who applies (runner version, stack, URN) for the ledger. */
  appliedBy?: string;
}

/** Result of apply/rollback. */
export interface RunResult {
  setName: string;
  state: "completed" | "paused" | "rolled_back" | "partial";
  applied: string[];
  validation: Record<string, number>;
  rowsMoved: number;
}
