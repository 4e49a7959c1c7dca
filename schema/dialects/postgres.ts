// PostgreSQL adapter: `pg` is required lazily inside methods so the dynamic provider serializes cleanly
// (research/pulumi.md §1.3). Health signals: replica replay lag, sessions blocked by us, long transactions,
// autovacuum on the target (research/migrations.md §7.4).
import { assertIdentifier, splitQualified } from "../identifiers";
import type { BackfillSqlParts, ConnectionSpec, DbSession, Dialect, HealthSignals, QueryResult, SqlValue } from "../types";

type PgModule = typeof import("pg");
type PgClient = import("pg").Client;

const PG_MAX_IDENT = 63;
const RETRYABLE_CODES = ["55P03", "40P01", "40001", "57014"];

function toParam(v: SqlValue): unknown {
  return typeof v === "bigint" ? v.toString() : v;
}

class PgSession implements DbSession {
  readonly dialect: Dialect;
  private readonly client: PgClient;
  private inTx = false;

  constructor(dialect: Dialect, client: PgClient) {
    this.dialect = dialect;
    this.client = client;
  }

  async query<T = Record<string, unknown>>(sql: string, params: SqlValue[] = []): Promise<QueryResult<T>> {
    const r = await this.client.query(sql, params.map(toParam));
    return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: DbSession) => Promise<T>): Promise<T> {
    if (this.inTx) return fn(this);
    await this.client.query("BEGIN");
    this.inTx = true;
    try {
      const out = await fn(this);
      await this.client.query("COMMIT");
      return out;
    } catch (e) {
      await this.client.query("ROLLBACK").catch(() => undefined);
      throw e;
    } finally {
      this.inTx = false;
    }
  }

  async setTimeouts(t: { lockMs?: number; statementMs?: number }): Promise<void> {
    if (t.lockMs !== undefined) await this.client.query("SELECT set_config('lock_timeout', $1, false)", [`${Math.max(0, Math.floor(t.lockMs))}ms`]);
    if (t.statementMs !== undefined) {
      await this.client.query("SELECT set_config('statement_timeout', $1, false)", [`${Math.max(0, Math.floor(t.statementMs))}ms`]);
    }
  }

  async tryLock(key: string): Promise<boolean> {
    const r = await this.client.query("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok", [key]);
    return r.rows[0].ok === true;
  }

  async unlock(key: string): Promise<void> {
    await this.client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key]);
  }

  async health(): Promise<HealthSignals> {
    const r = await this.client.query(`
      SELECT
        (SELECT coalesce(max(extract(epoch FROM replay_lag)) * 1000, 0) FROM pg_stat_replication)::float8 AS lag_ms,
        (SELECT count(*) FROM pg_stat_activity WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid)))::int AS blocked,
        (SELECT coalesce(max(extract(epoch FROM clock_timestamp() - xact_start)) * 1000, 0)
           FROM pg_stat_activity
          WHERE pid <> pg_backend_pid() AND backend_type = 'client backend' AND xact_start IS NOT NULL)::float8 AS longest_ms,
        (SELECT count(*) FROM pg_stat_progress_vacuum)::int AS vacuums`);
    const row = r.rows[0];
    return {
      replicationLagMs: Number(row.lag_ms),
      blockedByUs: Number(row.blocked),
      longestTransactionMs: Number(row.longest_ms),
      autovacuumRunning: Number(row.vacuums) > 0,
    };
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

export const postgresDialect: Dialect = {
  engine: "postgres",
  maxBatchRows: 50_000,

  quoteIdent(name: string): string {
    return `"${assertIdentifier(name, PG_MAX_IDENT)}"`;
  },

  quoteQualified(name: string): string {
    return splitQualified(name, PG_MAX_IDENT)
      .map((p) => `"${p}"`)
      .join(".");
  },

  param(n: number): string {
    return `$${n}`;
  },

  async connect(conn: ConnectionSpec): Promise<DbSession> {
    const pg: PgModule = require("pg");
    // int8 as string: keys are bigint and must not lose precision.
    const client = new pg.Client({
      connectionString: conn.url,
      host: conn.url ? undefined : conn.host,
      port: conn.url ? undefined : conn.port,
      database: conn.url ? undefined : conn.database,
      user: conn.url ? undefined : conn.user,
      // Azure Database for PostgreSQL accepts an Entra access token as the password.
      password: conn.accessToken ?? conn.password ?? undefined,
      ssl: conn.ssl ? { rejectUnauthorized: true } : undefined,
      application_name: "sqlfleet-schema",
    });
    // A server-side disconnect must surface as a failed query, not crash the process.
    client.on("error", () => undefined);
    await client.connect();
    // A runner must never sit idle inside a transaction holding locks.
    await client.query("SELECT set_config('idle_in_transaction_session_timeout', '60000ms', false)");
    return new PgSession(postgresDialect, client);
  },

  isRetryable(err: unknown): boolean {
    const code = (err as { code?: unknown })?.code;
    return typeof code === "string" && RETRYABLE_CODES.includes(code);
  },

  ledgerDdl(schema: string): string[] {
    const s = postgresDialect.quoteIdent(schema);
    return [
      `CREATE SCHEMA IF NOT EXISTS ${s}`,
      `CREATE TABLE IF NOT EXISTS ${s}.migration (
        set_name text NOT NULL,
        migration_id text NOT NULL,
        seq int NOT NULL,
        checksum text NOT NULL,
        state text NOT NULL,
        options text,
        applied_by text,
        started_at timestamptz,
        finished_at timestamptz,
        error text,
        PRIMARY KEY (set_name, migration_id),
        UNIQUE (set_name, seq))`,
      // At most one unfinished migration per set (pgroll's index includes the name and does not enforce this).
      `CREATE UNIQUE INDEX IF NOT EXISTS migration_one_active ON ${s}.migration (set_name)
        WHERE state NOT IN ('completed', 'rolled_back', 'baselined')`,
      `CREATE TABLE IF NOT EXISTS ${s}.migration_step (
        set_name text NOT NULL,
        migration_id text NOT NULL,
        step_no int NOT NULL,
        name text NOT NULL,
        kind text NOT NULL,
        state text NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        before_image text,
        last_error text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (set_name, migration_id, step_no))`,
      `CREATE TABLE IF NOT EXISTS ${s}.backfill_checkpoint (
        set_name text NOT NULL,
        migration_id text NOT NULL,
        task text NOT NULL,
        direction text NOT NULL,
        scope_value bigint NOT NULL,
        last_key bigint NOT NULL,
        high_water_key bigint NOT NULL,
        rows_done bigint NOT NULL DEFAULT 0,
        rows_estimated bigint NOT NULL DEFAULT 0,
        batch_size int NOT NULL,
        ema_rows_per_sec float8 NOT NULL DEFAULT 0,
        state text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (set_name, migration_id, task, direction))`,
      `CREATE TABLE IF NOT EXISTS ${s}.migration_event (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        set_name text NOT NULL,
        migration_id text,
        kind text NOT NULL,
        detail text)`,
    ];
  },

  splitBatches(script: string): string[] {
    return [script];
  },

  nextKeySql(t: BackfillSqlParts): string {
    const q = postgresDialect.quoteIdent;
    return `SELECT max(k)::text AS hi, count(*)::int AS n FROM (
      SELECT ${q(t.keyColumn)} AS k FROM ${postgresDialect.quoteQualified(t.table)}
       WHERE ${q(t.scopeColumn)} = $1 AND ${q(t.keyColumn)} > $2::bigint
       ORDER BY ${q(t.keyColumn)} LIMIT $3) s`;
  },

  backfillBatchSql(t: BackfillSqlParts): string {
    const q = postgresDialect.quoteIdent;
    return `UPDATE ${postgresDialect.quoteQualified(t.table)} SET ${t.set}
     WHERE ${q(t.scopeColumn)} = $1 AND ${q(t.keyColumn)} > $2::bigint AND ${q(t.keyColumn)} <= $3::bigint AND (${t.pending})`;
  },

  maxKeySql(t: BackfillSqlParts): string {
    const q = postgresDialect.quoteIdent;
    return `SELECT coalesce(max(${q(t.keyColumn)}), 0)::text AS hi FROM ${postgresDialect.quoteQualified(t.table)} WHERE ${q(t.scopeColumn)} = $1`;
  },

  countPendingSql(t: BackfillSqlParts): string {
    return `SELECT count(*)::text AS n FROM ${postgresDialect.quoteQualified(t.table)} WHERE ${postgresDialect.quoteIdent(t.scopeColumn)} = $1 AND (${t.pending})`;
  },
};
