// Demo resource store: the shape of an existing FHIR database (resource store + types + data), created outside
// the ledger so `apply` adopts it the way it would adopt a production database. ~10% of rows are conformance
// types, interleaved with clinical types so surrogate ids of a type are sparse, as in a real store.
import { runActions } from "./steps";
import type { DbSession, MigrationSet } from "./types";

export const DEMO_CLINICAL_TYPES = [
  "Patient", "Observation", "Encounter", "Condition", "Procedure", "MedicationRequest", "DiagnosticReport",
  "Immunization", "AllergyIntolerance", "CarePlan", "Claim", "Practitioner", "Organization", "Location",
];

/** Creates the resource store objects (without ledger entries) from the set's first migration. */
export async function createDemoStore(session: DbSession, set: MigrationSet): Promise<void> {
  if (session.dialect.engine !== "postgres") throw new Error("the demo store is only available on PostgreSQL");
  const store = set.migrations[0];
  for (const step of store.steps) await session.transaction((tx) => runActions(tx, step.up, undefined));
}

export interface DemoSeedResult {
  inserted: number;
  conformanceRows: number;
  existing: number;
}

/**
 * Seeds `count` resources into an empty store: every 10th row is one of `conformanceTypes`, the others cycle
 * through clinical types. One leaf partition per type. No-op when the store already has rows.
 */
export async function seedDemoResources(session: DbSession, set: MigrationSet, count: number, conformanceTypes: string[]): Promise<DemoSeedResult> {
  if (!Number.isInteger(count) || count < 0 || count > 100_000_000) {
    throw new Error(`demo resources must be an integer from 0 to 100000000; got ${count}`);
  }
  await createDemoStore(session, set);
  const existing = Number((await session.query<{ n: string }>("SELECT count(*)::text AS n FROM fhir.resource")).rows[0].n);
  if (existing > 0 || count === 0) return { inserted: 0, conformanceRows: 0, existing };
  const types = [...conformanceTypes, ...DEMO_CLINICAL_TYPES];
  await session.query(
    "INSERT INTO fhir.resource_type (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING",
    [types],
  );
  const ids = await session.query<{ resource_type_id: number; name: string }>(
    "SELECT resource_type_id, name FROM fhir.resource_type WHERE name = ANY($1::text[]) ORDER BY resource_type_id",
    [types],
  );
  for (const r of ids.rows) {
    // Leaf names come from integer ids only.
    const id = Number(r.resource_type_id);
    await session.query(`CREATE TABLE IF NOT EXISTS fhir.resource_t${id} PARTITION OF fhir.resource FOR VALUES IN (${id})`);
  }
  const conf = ids.rows.filter((r) => conformanceTypes.includes(r.name)).map((r) => Number(r.resource_type_id));
  const clin = ids.rows.filter((r) => !conformanceTypes.includes(r.name)).map((r) => Number(r.resource_type_id));
  const chunk = 250_000;
  for (let start = 1; start <= count; start += chunk) {
    const end = Math.min(count, start + chunk - 1);
    await session.query(
      `INSERT INTO fhir.resource (resource_type_id, resource_id, version, is_history, is_deleted, request_method, raw_resource)
       SELECT CASE WHEN g % 10 = 0 THEN ($3::int[])[1 + (g / 10) % cardinality($3::int[])]
                   ELSE ($4::int[])[1 + g % cardinality($4::int[])] END,
              'r' || g, 1, false, false, 'PUT', convert_to(repeat(md5(g::text), 6), 'UTF8')
         FROM generate_series($1::int, $2::int) g`,
      [start, end, conf, clin],
    );
  }
  await session.query("ANALYZE fhir.resource");
  return { inserted: count, conformanceRows: Math.floor(count / 10), existing: 0 };
}
