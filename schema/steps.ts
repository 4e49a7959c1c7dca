// Executes a step's actions (plain statements and catalog-driven `forEach` templates) and its probes.
import { renderTemplate, hasTemplateTokens } from "./templates";
import type { DbSession, MigrationStep, Probe, SqlStatement, StepAction } from "./types";

// PostgreSQL: undefined table/column/object/schema; SQL Server: invalid object/column name.
const MISSING_PG = ["42P01", "42703", "42704", "3F000"];
const MISSING_MSSQL = [208, 207];

export function isMissingObject(e: unknown): boolean {
  const x = e as { code?: unknown; number?: unknown };
  return (typeof x?.code === "string" && MISSING_PG.includes(x.code)) || (typeof x?.number === "number" && MISSING_MSSQL.includes(x.number));
}

/** True when a probe's first column of its first row is truthy. */
export async function runProbe(session: DbSession, probe: Probe): Promise<boolean> {
  let r;
  try {
    r = await session.query(probe.sql, probe.params ?? []);
  } catch (e) {
    // A probe that names an object which does not exist yet means "not done".
    if (isMissingObject(e)) return false;
    throw e;
  }
  const row = r.rows[0];
  if (!row) return false;
  const v = Object.values(row)[0];
  return v === true || v === 1 || v === "1" || v === "t" || v === "true";
}

/** Rows driving a forEach: a catalog query or the captured before-image. */
export async function forEachRows(session: DbSession, rows: SqlStatement | "beforeImage", beforeImage: unknown): Promise<Record<string, unknown>[]> {
  if (rows === "beforeImage") return Array.isArray(beforeImage) ? (beforeImage as Record<string, unknown>[]) : [];
  const r = await session.query(rows.sql, rows.params ?? []);
  return r.rows;
}

/** Expands actions into concrete statements (forEach rows resolved now). */
export async function expandActions(session: DbSession, actions: StepAction[], beforeImage: unknown): Promise<SqlStatement[]> {
  const out: SqlStatement[] = [];
  for (const a of actions) {
    if ("forEach" in a) {
      const rows = await forEachRows(session, a.forEach.rows, beforeImage);
      for (const row of rows) for (const s of a.forEach.statements) out.push({ ...s, sql: renderTemplate(s.sql, row, session.dialect) });
    } else {
      if (hasTemplateTokens(a.sql)) throw new Error(`template tokens are only allowed inside forEach: ${a.sql.slice(0, 120)}`);
      out.push(a);
    }
  }
  return out;
}

/**
 * Runs actions in order. forEach rows are read just before their statements run (a previous action may have
 * changed the catalog, e.g. dropped an invalid index).
 */
export async function runActions(session: DbSession, actions: StepAction[], beforeImage: unknown): Promise<number> {
  let n = 0;
  for (const a of actions) {
    const stmts = await expandActions(session, [a], beforeImage);
    for (const s of stmts) {
      await session.query(s.sql, s.params ?? []);
      n++;
    }
  }
  return n;
}

/** Captures a step's before-image rows (plain JSON). */
export async function captureBeforeImage(session: DbSession, step: MigrationStep): Promise<unknown> {
  if (!step.beforeImage) return undefined;
  const r = await session.query(step.beforeImage.sql, step.beforeImage.params ?? []);
  return JSON.parse(JSON.stringify(r.rows, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
}
