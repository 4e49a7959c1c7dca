// The ledger in the target database (schema `sqlfleet`): migrations with checksums and state, steps with state
// and before-images, backfill checkpoints, and an append-only event log. Portable SQL (update-then-insert)
// because only the lock-holding runner writes it.
import type { BackfillCheckpoint, DbSession, LedgerMigration, LedgerStep, MigrationState, StepKind, StepState } from "./types";

export const LEDGER_SCHEMA = "sqlfleet";

type Row = Record<string, unknown>;

function iso(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  return v instanceof Date ? v.toISOString() : String(v);
}

export class Ledger {
  readonly s: DbSession;
  readonly t: { migration: string; step: string; checkpoint: string; event: string };

  constructor(session: DbSession, schema = LEDGER_SCHEMA) {
    this.s = session;
    const q = session.dialect.quoteIdent(schema);
    this.t = {
      migration: `${q}.migration`,
      step: `${q}.migration_step`,
      checkpoint: `${q}.backfill_checkpoint`,
      event: `${q}.migration_event`,
    };
    this.schema = schema;
  }

  readonly schema: string;

  private p(n: number): string {
    return this.s.dialect.param(n);
  }

  async ensure(): Promise<void> {
    for (const ddl of this.s.dialect.ledgerDdl(this.schema)) await this.s.query(ddl);
  }

  /** True when the ledger tables exist (read-only callers must not create them). */
  async exists(): Promise<boolean> {
    const d = this.s.dialect;
    const sql =
      d.engine === "postgres"
        ? `SELECT to_regclass(${this.p(1)}) IS NOT NULL AS ok`
        : `SELECT CASE WHEN OBJECT_ID(${this.p(1)}) IS NULL THEN 0 ELSE 1 END AS ok`;
    const r = await this.s.query<{ ok: unknown }>(sql, [`${this.schema}.migration`]);
    return r.rows[0]?.ok === true || r.rows[0]?.ok === 1;
  }

  async migrations(setName: string): Promise<LedgerMigration[]> {
    const r = await this.s.query<Row>(
      `SELECT set_name, migration_id, seq, checksum, state, options, started_at, finished_at, error
         FROM ${this.t.migration} WHERE set_name = ${this.p(1)} ORDER BY seq`,
      [setName],
    );
    return r.rows.map((x) => ({
      setName: String(x.set_name),
      migrationId: String(x.migration_id),
      seq: Number(x.seq),
      checksum: String(x.checksum),
      state: String(x.state) as MigrationState,
      options: x.options ? (JSON.parse(String(x.options)) as Record<string, unknown>) : undefined,
      startedAt: iso(x.started_at),
      finishedAt: iso(x.finished_at),
      error: x.error ? String(x.error) : undefined,
    }));
  }

  async startMigration(m: { setName: string; migrationId: string; seq: number; checksum: string; state: MigrationState; options: unknown; appliedBy?: string }): Promise<void> {
    const p = (n: number) => this.p(n);
    const upd = await this.s.query(
      `UPDATE ${this.t.migration} SET checksum = ${p(3)}, state = ${p(4)}, options = ${p(5)}, applied_by = ${p(6)},
              started_at = CURRENT_TIMESTAMP, finished_at = NULL, error = NULL
        WHERE set_name = ${p(1)} AND migration_id = ${p(2)}`,
      [m.setName, m.migrationId, m.checksum, m.state, JSON.stringify(m.options ?? {}), m.appliedBy ?? null],
    );
    if (upd.rowCount === 0) {
      await this.s.query(
        `INSERT INTO ${this.t.migration} (set_name, migration_id, checksum, state, options, applied_by, seq, started_at)
         VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, CURRENT_TIMESTAMP)`,
        [m.setName, m.migrationId, m.checksum, m.state, JSON.stringify(m.options ?? {}), m.appliedBy ?? null, m.seq],
      );
    }
  }

  async setMigrationState(setName: string, migrationId: string, state: MigrationState, error?: string): Promise<void> {
    const finished = ["completed", "rolled_back", "baselined", "failed"].includes(state);
    await this.s.query(
      `UPDATE ${this.t.migration} SET state = ${this.p(3)}, error = ${this.p(4)}
         ${finished ? ", finished_at = CURRENT_TIMESTAMP" : ""}
        WHERE set_name = ${this.p(1)} AND migration_id = ${this.p(2)}`,
      [setName, migrationId, state, error ?? null],
    );
  }

  async steps(setName: string, migrationId: string): Promise<LedgerStep[]> {
    const r = await this.s.query<Row>(
      `SELECT step_no, name, kind, state, attempts, before_image, last_error FROM ${this.t.step}
        WHERE set_name = ${this.p(1)} AND migration_id = ${this.p(2)} ORDER BY step_no`,
      [setName, migrationId],
    );
    return r.rows.map((x) => ({
      setName,
      migrationId,
      stepNo: Number(x.step_no),
      name: String(x.name),
      kind: String(x.kind) as StepKind,
      state: String(x.state) as StepState,
      attempts: Number(x.attempts),
      beforeImage: x.before_image ? JSON.parse(String(x.before_image)) : undefined,
      lastError: x.last_error ? String(x.last_error) : undefined,
    }));
  }

  async setStep(
    k: { setName: string; migrationId: string; stepNo: number; name: string; kind: StepKind },
    state: StepState,
    extra: { error?: string; beforeImage?: unknown; attempt?: boolean } = {},
  ): Promise<void> {
    const p = (n: number) => this.p(n);
    const image = extra.beforeImage === undefined ? null : JSON.stringify(extra.beforeImage);
    const upd = await this.s.query(
      `UPDATE ${this.t.step} SET state = ${p(4)}, last_error = ${p(5)}, updated_at = CURRENT_TIMESTAMP,
              attempts = attempts + ${extra.attempt ? 1 : 0}
              ${image !== null ? `, before_image = ${p(6)}` : ""}
        WHERE set_name = ${p(1)} AND migration_id = ${p(2)} AND step_no = ${p(3)}`,
      image !== null
        ? [k.setName, k.migrationId, k.stepNo, state, extra.error ?? null, image]
        : [k.setName, k.migrationId, k.stepNo, state, extra.error ?? null],
    );
    if (upd.rowCount === 0) {
      await this.s.query(
        `INSERT INTO ${this.t.step} (set_name, migration_id, step_no, name, kind, state, attempts, before_image, last_error)
         VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)})`,
        [k.setName, k.migrationId, k.stepNo, k.name, k.kind, state, extra.attempt ? 1 : 0, image, extra.error ?? null],
      );
    }
  }

  async checkpoints(setName: string, migrationId?: string): Promise<BackfillCheckpoint[]> {
    const r = await this.s.query<Row>(
      `SELECT * FROM ${this.t.checkpoint} WHERE set_name = ${this.p(1)}
        ${migrationId ? `AND migration_id = ${this.p(2)}` : ""} ORDER BY migration_id, direction, task`,
      migrationId ? [setName, migrationId] : [setName],
    );
    return r.rows.map((x) => ({
      setName: String(x.set_name),
      migrationId: String(x.migration_id),
      task: String(x.task),
      direction: String(x.direction) as "forward" | "reverse",
      scopeValue: Number(x.scope_value),
      lastKey: String(x.last_key),
      highWaterKey: String(x.high_water_key),
      rowsDone: Number(x.rows_done),
      rowsEstimated: Number(x.rows_estimated),
      batchSize: Number(x.batch_size),
      emaRowsPerSec: Number(x.ema_rows_per_sec),
      state: String(x.state) as BackfillCheckpoint["state"],
    }));
  }

  async insertCheckpoint(c: BackfillCheckpoint): Promise<void> {
    const p = (n: number) => this.p(n);
    await this.s.query(
      `INSERT INTO ${this.t.checkpoint} (set_name, migration_id, task, direction, scope_value, last_key, high_water_key,
              rows_done, rows_estimated, batch_size, ema_rows_per_sec, state)
       VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}, ${p(10)}, ${p(11)}, ${p(12)})`,
      [c.setName, c.migrationId, c.task, c.direction, c.scopeValue, c.lastKey, c.highWaterKey, c.rowsDone, c.rowsEstimated, c.batchSize, c.emaRowsPerSec, c.state],
    );
  }

  /** Moves a checkpoint forward; called inside the batch's own transaction (`tx`). */
  async advanceCheckpoint(
    tx: DbSession,
    c: BackfillCheckpoint,
    next: { lastKey: string; rowsAdded: number; batchSize: number; ema: number; state: BackfillCheckpoint["state"] },
  ): Promise<void> {
    const p = (n: number) => this.p(n);
    const r = await tx.query(
      `UPDATE ${this.t.checkpoint} SET last_key = ${p(5)}, rows_done = rows_done + ${p(6)}, batch_size = ${p(7)},
              ema_rows_per_sec = ${p(8)}, state = ${p(9)}, updated_at = CURRENT_TIMESTAMP
        WHERE set_name = ${p(1)} AND migration_id = ${p(2)} AND task = ${p(3)} AND direction = ${p(4)}`,
      [c.setName, c.migrationId, c.task, c.direction, next.lastKey, next.rowsAdded, next.batchSize, next.ema, next.state],
    );
    if (r.rowCount !== 1) throw new Error(`backfill checkpoint ${c.task} (${c.direction}) vanished from the ledger`);
  }

  async deleteCheckpoints(setName: string, migrationId: string, direction: "forward" | "reverse"): Promise<void> {
    await this.s.query(
      `DELETE FROM ${this.t.checkpoint} WHERE set_name = ${this.p(1)} AND migration_id = ${this.p(2)} AND direction = ${this.p(3)}`,
      [setName, migrationId, direction],
    );
  }

  async event(setName: string, migrationId: string | undefined, kind: string, detail: unknown): Promise<void> {
    await this.s.query(
      `INSERT INTO ${this.t.event} (set_name, migration_id, kind, detail) VALUES (${this.p(1)}, ${this.p(2)}, ${this.p(3)}, ${this.p(4)})`,
      [setName, migrationId ?? null, kind, JSON.stringify(detail ?? null)],
    );
  }

  async events(setName: string, limit = 50): Promise<{ at: string; migrationId?: string; kind: string; detail: unknown }[]> {
    const n = Math.max(1, Math.min(10_000, Math.floor(limit)));
    const d = this.s.dialect;
    const sql =
      d.engine === "postgres"
        ? `SELECT at, migration_id, kind, detail FROM ${this.t.event} WHERE set_name = ${this.p(1)} ORDER BY id DESC LIMIT ${n}`
        : `SELECT TOP (${n}) at, migration_id, kind, detail FROM ${this.t.event} WHERE set_name = ${this.p(1)} ORDER BY id DESC`;
    const r = await this.s.query<Row>(sql, [setName]);
    return r.rows.map((x) => ({
      at: iso(x.at) ?? "",
      migrationId: x.migration_id ? String(x.migration_id) : undefined,
      kind: String(x.kind),
      detail: x.detail ? JSON.parse(String(x.detail)) : null,
    }));
  }
}
