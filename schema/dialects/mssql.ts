// SQL Server / Azure SQL adapter over the `mssql` driver (required lazily inside methods). One session = one
// pooled connection (max 1), so SET options and the session-owned sp_getapplock stay on the same connection.
// Health signals: sys.dm_db_resource_stats log write %, log-rate-governor waits, geo lag, sessions we block.
import { assertIdentifier, splitQualified } from "../identifiers";
import type { BackfillSqlParts, ConnectionSpec, DbSession, Dialect, HealthSignals, QueryResult, SqlValue } from "../types";

type MssqlModule = typeof import("mssql");
type Pool = import("mssql").ConnectionPool;
type Tx = import("mssql").Transaction;

const MSSQL_MAX_IDENT = 128;
// 1222 lock request timeout, 1205 deadlock victim, Azure SQL transient errors (throttling, failover, reconfiguration).
const RETRYABLE_NUMBERS = [1222, 1205, 40501, 40613, 40197, 49918, 49919, 49920, 10928, 10929, 4221];
// Options filtered indexes and indexed computed columns need (research/migrations.md §7.4).
export const SESSION_SETTINGS =
  "SET ANSI_NULLS ON; SET QUOTED_IDENTIFIER ON; SET ANSI_PADDING ON; SET ANSI_WARNINGS ON; SET ARITHABORT ON; " +
  "SET CONCAT_NULL_YIELDS_NULL ON; SET NUMERIC_ROUNDABORT OFF; SET XACT_ABORT ON;";

export class MssqlSession implements DbSession {
  readonly dialect: Dialect;
  private readonly pool: Pool;
  private tx: Tx | undefined;

  constructor(dialect: Dialect, pool: Pool) {
    this.dialect = dialect;
    this.pool = pool;
  }

  async query<T = Record<string, unknown>>(sql: string, params: SqlValue[] = []): Promise<QueryResult<T>> {
    const req = this.tx ? this.tx.request() : this.pool.request();
    params.forEach((v, i) => {
      if (Array.isArray(v)) throw new Error("SQL Server parameters cannot be arrays; pass a JSON string and use OPENJSON");
      req.input(`p${i + 1}`, typeof v === "bigint" ? v.toString() : v);
    });
    const r = await req.query(sql);
    return { rows: (r.recordset ?? []) as T[], rowCount: (r.rowsAffected ?? []).reduce((a, b) => a + b, 0) };
  }

  async transaction<T>(fn: (tx: DbSession) => Promise<T>): Promise<T> {
    if (this.tx) return fn(this);
    const tx = this.pool.transaction();
    await tx.begin();
    this.tx = tx;
    try {
      const out = await fn(this);
      await tx.commit();
      return out;
    } catch (e) {
      await tx.rollback().catch(() => undefined);
      throw e;
    } finally {
      this.tx = undefined;
    }
  }

  async setTimeouts(t: { lockMs?: number; statementMs?: number }): Promise<void> {
    // SET LOCK_TIMEOUT takes no variable; the value is a validated integer.
    if (t.lockMs !== undefined) await this.query(`SET LOCK_TIMEOUT ${Math.max(0, Math.floor(t.lockMs))}`);
    // Statement timeout is the driver's request timeout (set at connect).
  }

  async tryLock(key: string): Promise<boolean> {
    const r = await this.query<{ rc: number }>(
      "DECLARE @rc int; EXEC @rc = sp_getapplock @Resource = @p1, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 0; SELECT @rc AS rc",
      [key],
    );
    return (r.rows[0]?.rc ?? -1) >= 0;
  }

  async unlock(key: string): Promise<void> {
    await this.query("EXEC sp_releaseapplock @Resource = @p1, @LockOwner = 'Session'", [key]);
  }

  async health(): Promise<HealthSignals> {
    const r = await this.query<Record<string, number | null>>(`
      SELECT
        (SELECT TOP (1) avg_log_write_percent FROM sys.dm_db_resource_stats ORDER BY end_time DESC) AS log_pct,
        (SELECT COUNT(*) FROM sys.dm_exec_requests WHERE wait_type IN ('LOG_RATE_GOVERNOR', 'HADR_THROTTLE_LOG_RATE_GOVERNOR')) AS governor,
        (SELECT COUNT(*) FROM sys.dm_exec_requests WHERE blocking_session_id = @@SPID) AS blocked,
        (SELECT MAX(DATEDIFF(ms, t.transaction_begin_time, SYSDATETIME()))
           FROM sys.dm_tran_active_transactions t JOIN sys.dm_tran_session_transactions s ON s.transaction_id = t.transaction_id
          WHERE s.session_id <> @@SPID) AS longest_ms,
        (SELECT MAX(replication_lag_sec) * 1000 FROM sys.dm_geo_replication_link_status) AS lag_ms`);
    const row = r.rows[0] ?? {};
    return {
      logWritePercent: row.log_pct ?? undefined,
      logRateGovernorWaits: row.governor ?? 0,
      blockedByUs: row.blocked ?? 0,
      longestTransactionMs: row.longest_ms ?? 0,
      replicationLagMs: row.lag_ms ?? undefined,
    };
  }

  async close(): Promise<void> {
    await this.pool.close().catch(() => undefined);
  }
}

/** Parses mssql://user:password@host:port/database?encrypt=true into driver config fields. */
function fromUrl(url: string): { server: string; port?: number; database: string; user?: string; password?: string; encrypt: boolean } {
  const u = new URL(url);
  if (u.protocol !== "mssql:" && u.protocol !== "sqlserver:") throw new Error(`mssql connection URL must start with mssql://; got ${u.protocol}`);
  return {
    server: u.hostname,
    port: u.port ? Number(u.port) : undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, "")),
    user: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    encrypt: u.searchParams.get("encrypt") !== "false",
  };
}

export const mssqlDialect: Dialect = {
  engine: "mssql",
  // Lock escalation is attempted at 5,000 locks per statement; stay well below.
  maxBatchRows: 4_000,

  quoteIdent(name: string): string {
    return `[${assertIdentifier(name, MSSQL_MAX_IDENT)}]`;
  },

  quoteQualified(name: string): string {
    return splitQualified(name, MSSQL_MAX_IDENT)
      .map((p) => `[${p}]`)
      .join(".");
  },

  param(n: number): string {
    return `@p${n}`;
  },

  async connect(conn: ConnectionSpec): Promise<DbSession> {
    const mssql: MssqlModule = require("mssql");
    const parsed = conn.url ? fromUrl(conn.url) : undefined;
    const server = parsed?.server ?? conn.host;
    const database = parsed?.database ?? conn.database;
    if (!server || !database) throw new Error("mssql connection needs a server host and a database name");
    const config: import("mssql").config = {
      server,
      port: parsed?.port ?? conn.port,
      database,
      pool: { max: 1, min: 1, idleTimeoutMillis: 600_000 },
      requestTimeout: 0,
      options: { encrypt: parsed?.encrypt ?? conn.ssl ?? true, trustServerCertificate: !(parsed?.encrypt ?? conn.ssl ?? true), appName: "sqlfleet-schema" },
    };
    if (conn.accessToken) {
      config.authentication = { type: "azure-active-directory-access-token", options: { token: conn.accessToken } };
    } else {
      config.user = parsed?.user ?? conn.user;
      config.password = conn.password ?? parsed?.password;
    }
    const pool = new mssql.ConnectionPool(config);
    await pool.connect();
    const session = new MssqlSession(mssqlDialect, pool);
    await session.query(SESSION_SETTINGS);
    return session;
  },

  isRetryable(err: unknown): boolean {
    const e = err as { number?: unknown; originalError?: { info?: { number?: unknown } } };
    const n = typeof e?.number === "number" ? e.number : e?.originalError?.info?.number;
    return typeof n === "number" && RETRYABLE_NUMBERS.includes(n);
  },

  ledgerDdl(schema: string): string[] {
    const name = assertIdentifier(schema, MSSQL_MAX_IDENT);
    const s = `[${name}]`;
    return [
      `IF SCHEMA_ID(N'${name}') IS NULL EXEC (N'CREATE SCHEMA ${s}')`,
      `IF OBJECT_ID(N'${name}.migration') IS NULL
       CREATE TABLE ${s}.migration (
         set_name nvarchar(200) NOT NULL,
         migration_id nvarchar(200) NOT NULL,
         seq int NOT NULL,
         checksum varchar(64) NOT NULL,
         state varchar(20) NOT NULL,
         options nvarchar(max) NULL,
         applied_by nvarchar(400) NULL,
         started_at datetime2 NULL,
         finished_at datetime2 NULL,
         error nvarchar(max) NULL,
         CONSTRAINT PK_migration PRIMARY KEY (set_name, migration_id),
         CONSTRAINT UQ_migration_seq UNIQUE (set_name, seq))`,
      `IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'migration_one_active' AND object_id = OBJECT_ID(N'${name}.migration'))
       CREATE UNIQUE INDEX migration_one_active ON ${s}.migration (set_name)
         WHERE state NOT IN ('completed', 'rolled_back', 'baselined')`,
      `IF OBJECT_ID(N'${name}.migration_step') IS NULL
       CREATE TABLE ${s}.migration_step (
         set_name nvarchar(200) NOT NULL,
         migration_id nvarchar(200) NOT NULL,
         step_no int NOT NULL,
         name nvarchar(200) NOT NULL,
         kind varchar(20) NOT NULL,
         state varchar(20) NOT NULL,
         attempts int NOT NULL DEFAULT 0,
         before_image nvarchar(max) NULL,
         last_error nvarchar(max) NULL,
         updated_at datetime2 NOT NULL DEFAULT SYSUTCDATETIME(),
         CONSTRAINT PK_migration_step PRIMARY KEY (set_name, migration_id, step_no))`,
      `IF OBJECT_ID(N'${name}.backfill_checkpoint') IS NULL
       CREATE TABLE ${s}.backfill_checkpoint (
         set_name nvarchar(200) NOT NULL,
         migration_id nvarchar(200) NOT NULL,
         task nvarchar(400) NOT NULL,
         direction varchar(10) NOT NULL,
         scope_value bigint NOT NULL,
         last_key bigint NOT NULL,
         high_water_key bigint NOT NULL,
         rows_done bigint NOT NULL DEFAULT 0,
         rows_estimated bigint NOT NULL DEFAULT 0,
         batch_size int NOT NULL,
         ema_rows_per_sec float NOT NULL DEFAULT 0,
         state varchar(20) NOT NULL,
         updated_at datetime2 NOT NULL DEFAULT SYSUTCDATETIME(),
         CONSTRAINT PK_backfill_checkpoint PRIMARY KEY (set_name, migration_id, task, direction))`,
      `IF OBJECT_ID(N'${name}.migration_event') IS NULL
       CREATE TABLE ${s}.migration_event (
         id bigint IDENTITY(1,1) NOT NULL CONSTRAINT PK_migration_event PRIMARY KEY,
         at datetime2 NOT NULL DEFAULT SYSUTCDATETIME(),
         set_name nvarchar(200) NOT NULL,
         migration_id nvarchar(200) NULL,
         kind varchar(40) NOT NULL,
         detail nvarchar(max) NULL)`,
    ];
  },

  splitBatches(script: string): string[] {
    return script
      .replace(/\r\n?/g, "\n")
      .split(/^[ \t]*GO[ \t]*;?[ \t]*$/im)
      .map((b) => b.trim())
      .filter((b) => b.length > 0);
  },

  nextKeySql(t: BackfillSqlParts): string {
    const q = mssqlDialect.quoteIdent;
    return `SELECT CAST(MAX(s.k) AS varchar(20)) AS hi, COUNT(*) AS n FROM (
      SELECT TOP (@p3) ${q(t.keyColumn)} AS k FROM ${mssqlDialect.quoteQualified(t.table)}
       WHERE ${q(t.scopeColumn)} = @p1 AND ${q(t.keyColumn)} > CAST(@p2 AS bigint)
       ORDER BY ${q(t.keyColumn)}) AS s`;
  },

  backfillBatchSql(t: BackfillSqlParts): string {
    const q = mssqlDialect.quoteIdent;
    return `UPDATE ${mssqlDialect.quoteQualified(t.table)} SET ${t.set}
     WHERE ${q(t.scopeColumn)} = @p1 AND ${q(t.keyColumn)} > CAST(@p2 AS bigint) AND ${q(t.keyColumn)} <= CAST(@p3 AS bigint) AND (${t.pending})`;
  },

  maxKeySql(t: BackfillSqlParts): string {
    const q = mssqlDialect.quoteIdent;
    return `SELECT CAST(ISNULL(MAX(${q(t.keyColumn)}), 0) AS varchar(20)) AS hi FROM ${mssqlDialect.quoteQualified(t.table)} WHERE ${q(t.scopeColumn)} = @p1`;
  },

  countPendingSql(t: BackfillSqlParts): string {
    return `SELECT CAST(COUNT_BIG(*) AS varchar(20)) AS n FROM ${mssqlDialect.quoteQualified(t.table)} WHERE ${mssqlDialect.quoteIdent(t.scopeColumn)} = @p1 AND (${t.pending})`;
  },
};
