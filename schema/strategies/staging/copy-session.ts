// Lets the schema engine's backfill executor run the staging copy: a session whose dialect returns the copy
// statement (INSERT … SELECT into fhir.resource_staging) for the task marked COPY_SET_MARKER and the engine's own
// UPDATE for every other task. Everything else (key walk, checkpoints in the batch's transaction, adaptive batch
// size, throttling, retries, pause) is the executor's, unchanged.
import type { BackfillSqlParts, DbSession, Dialect, QueryResult, SqlValue } from "../../types";

export class CopySession implements DbSession {
  readonly dialect: Dialect;
  private readonly inner: DbSession;

  constructor(inner: DbSession, marker: string, copySql: string) {
    this.inner = inner;
    const base = inner.dialect;
    this.dialect = {
      ...base,
      backfillBatchSql: (t: BackfillSqlParts) => (t.set === marker ? copySql : base.backfillBatchSql(t)),
    };
  }

  query<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<QueryResult<T>> {
    return this.inner.query<T>(sql, params);
  }

  transaction<T>(fn: (tx: DbSession) => Promise<T>): Promise<T> {
    return this.inner.transaction(() => fn(this));
  }

  setTimeouts(t: { lockMs?: number; statementMs?: number }): Promise<void> {
    return this.inner.setTimeouts(t);
  }

  tryLock(key: string): Promise<boolean> {
    return this.inner.tryLock(key);
  }

  unlock(key: string): Promise<void> {
    return this.inner.unlock(key);
  }

  health() {
    return this.inner.health();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
