// Shared helpers for the schema tests: sessions on a fresh database and a seeded demo store.
import { postgresDialect } from "../../schema/dialects/postgres";
import { buildSet } from "../../schema/sets";
import type { ChecksummedSet, DbSession } from "../../schema/types";
import { seedDemoResources } from "../../schema/demo";
import { DEFAULT_CONFORMANCE_TYPES } from "../../schema/sets/fhir-partitioning/options";

export const CONFORMANCE = [...DEFAULT_CONFORMANCE_TYPES];

export async function connect(url: string): Promise<DbSession> {
  return postgresDialect.connect({ engine: "postgres", url });
}

export function fhirSet(options: Record<string, unknown> = {}): ChecksummedSet {
  return buildSet("fhir-partitioning", "postgres", options);
}

export async function seed(url: string, n: number): Promise<void> {
  const s = await connect(url);
  try {
    await seedDemoResources(s, fhirSet(), n, CONFORMANCE);
  } finally {
    await s.close();
  }
}

export async function one<T = unknown>(s: DbSession, sql: string, params: unknown[] = []): Promise<T> {
  const r = await s.query(sql, params as never);
  return Object.values(r.rows[0] ?? {})[0] as T;
}
