// Shared helpers for the staging-strategy tests: seeded stores, an independent per-type fingerprint, leaf oids.
import { postgresDialect } from "../../schema/dialects/postgres";
import { seedDemoResources } from "../../schema/demo";
import { buildSet } from "../../schema/sets";
import { DEFAULT_CONFORMANCE_TYPES } from "../../schema/sets/fhir-partitioning/options";
import { buildStrategySet } from "../../schema/strategies";
import type { ChecksummedSet, DbSession } from "../../schema/types";

export const CONFORMANCE = [...DEFAULT_CONFORMANCE_TYPES];

export function connect(url: string): Promise<DbSession> {
  return postgresDialect.connect({ engine: "postgres", url });
}

/** The staging set with small batches so the copy takes many checkpoints. */
export function stagingSet(maxBatch = 500, options: Record<string, unknown> = {}): ChecksummedSet {
  const set = buildStrategySet("staging", "postgres", options);
  const copy = set.migrations[1].steps.find((s) => s.name === "copy")!.backfill!;
  copy.maxBatch = maxBatch;
  copy.initialBatch = maxBatch;
  return set;
}

export async function seed(url: string, n: number): Promise<void> {
  const s = await connect(url);
  try {
    await seedDemoResources(s, buildSet("fhir-partitioning", "postgres"), n, CONFORMANCE);
  } finally {
    await s.close();
  }
}

/** Per resource type: rows and an md5 over every row's content in key order (computed independently of the strategy). */
export async function fingerprint(s: DbSession): Promise<Record<string, { rows: number; md5: string }>> {
  const r = await s.query<{ name: string; n: number; h: string }>(
    `SELECT t.name, count(*)::int AS n,
            md5(string_agg(concat_ws('|', r.resource_type_id, r.resource_id, r.version, r.is_history, r.resource_surrogate_id,
                r.is_deleted, r.request_method, encode(r.raw_resource, 'hex'), r.is_raw_resource_meta_set, r.search_param_hash,
                r.transaction_id, r.history_transaction_id), ',' ORDER BY r.resource_surrogate_id)) AS h
       FROM fhir.resource r JOIN fhir.resource_type t ON t.resource_type_id = r.resource_type_id
      GROUP BY t.name ORDER BY t.name`,
  );
  return Object.fromEntries(r.rows.map((x) => [x.name, { rows: Number(x.n), md5: x.h }]));
}

/** Leaf name → relation oid, for "the very same table is back" assertions. */
export async function leafOids(s: DbSession): Promise<Record<string, number>> {
  const r = await s.query<{ relname: string; oid: number }>(
    "SELECT c.relname, c.oid::int AS oid FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'fhir.resource'::regclass ORDER BY 1",
  );
  return Object.fromEntries(r.rows.map((x) => [x.relname, Number(x.oid)]));
}

export async function one<T = unknown>(s: DbSession, sql: string, params: unknown[] = []): Promise<T> {
  const r = await s.query(sql, params as never);
  return Object.values(r.rows[0] ?? {})[0] as T;
}
