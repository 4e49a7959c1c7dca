// Writes during the staging copy are not lost: a writer inserts, updates and deletes rows across the whole key
// space while the copy, validation and cutover run, and records each write in a shadow table in the same
// transaction. Afterwards the switched-in table equals the shadow, type by type.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyStrategy } from "../../schema/strategies";
import type { DbSession, RunnerEvent } from "../../schema/types";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { CONFORMANCE, connect, fingerprint, one, seed, stagingSet } from "./helpers";

const N = 20_000;
const COLS =
  "resource_type_id, resource_id, version, is_history, resource_surrogate_id, is_deleted, request_method, raw_resource, is_raw_resource_meta_set, search_param_hash, transaction_id, history_transaction_id";

/** Shadow-table fingerprint, same shape as fingerprint(). */
async function shadowFingerprint(s: DbSession) {
  await s.query("BEGIN");
  try {
    await s.query("ALTER TABLE fhir.resource RENAME TO resource_real");
    await s.query("ALTER TABLE public.shadow SET SCHEMA fhir");
    await s.query("ALTER TABLE fhir.shadow RENAME TO resource");
    return await fingerprint(s);
  } finally {
    await s.query("ROLLBACK");
  }
}

describe("staging strategy under concurrent writes", () => {
  let db: TestDatabase;
  let s: DbSession;
  let w: DbSession;
  beforeAll(async () => {
    db = await createTestDatabase("stgcc");
    await seed(db.url, N);
    s = await connect(db.url);
    w = await connect(db.url);
    await s.query(`CREATE TABLE public.shadow AS SELECT ${COLS} FROM fhir.resource`);
  });
  afterAll(async () => {
    await s?.close();
    await w?.close();
    await db?.drop();
  });

  it("keeps every insert, update and delete made during the copy and the cutover", async () => {
    const types = (await s.query<{ id: number; name: string }>("SELECT resource_type_id AS id, name FROM fhir.resource_type ORDER BY 1")).rows;
    const maxKey = await one<number>(s, "SELECT max(resource_surrogate_id)::int FROM fhir.resource");
    let stop = false;
    let copying = false;
    let newApp = false;
    const ops = { insert: 0, update: 0, delete: 0, duringCopy: 0 };
    let rnd = 42;
    const rand = (n: number) => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31), rnd % n);
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const t = types[rand(types.length)].id;
        const at = rand(maxKey);
        const kind = i % 3;
        await w.transaction(async (tx) => {
          if (kind === 0) {
            // Until the cutover an old application writes without partition_id (the default 2, even for
            // conformance types: the trigger and the post-cutover sweep correct it); from then on the new
            // application sets it (expand/contract: no migration can validate while writers keep adding wrong rows).
            const r = newApp
              ? await tx.query<{ k: string }>(
                  `INSERT INTO fhir.resource (resource_type_id, resource_id, version, is_history, is_deleted, raw_resource, partition_id)
                   VALUES ($1, 'w' || $2::text, 1, false, false, convert_to(md5($2::text), 'UTF8'),
                           CASE WHEN $1 IN (SELECT resource_type_id FROM fhir.resource_type WHERE name = ANY($3::text[])) THEN 1 ELSE 2 END)
                   RETURNING resource_surrogate_id::text AS k`,
                  [t, i, CONFORMANCE],
                )
              : await tx.query<{ k: string }>(
                  `INSERT INTO fhir.resource (resource_type_id, resource_id, version, is_history, is_deleted, raw_resource)
                   VALUES ($1, 'w' || $2::text, 1, false, false, convert_to(md5($2::text), 'UTF8')) RETURNING resource_surrogate_id::text AS k`,
                  [t, i],
                );
            await tx.query(`INSERT INTO public.shadow SELECT ${COLS} FROM fhir.resource WHERE resource_type_id = $1 AND resource_surrogate_id = $2::bigint`, [t, r.rows[0].k]);
            ops.insert++;
          } else {
            const r = await tx.query<{ k: string }>(
              "SELECT resource_surrogate_id::text AS k FROM fhir.resource WHERE resource_type_id = $1 AND resource_surrogate_id >= $2 ORDER BY resource_surrogate_id LIMIT 1",
              [t, at],
            );
            const k = r.rows[0]?.k;
            if (!k) return;
            if (kind === 1) {
              const sql = "UPDATE %T SET version = version + 1, is_history = NOT is_history, raw_resource = convert_to(md5($3::text), 'UTF8') WHERE resource_type_id = $1 AND resource_surrogate_id = $2::bigint";
              await tx.query(sql.replace("%T", "fhir.resource"), [t, k, i]);
              await tx.query(sql.replace("%T", "public.shadow"), [t, k, i]);
              ops.update++;
            } else {
              const sql = "DELETE FROM %T WHERE resource_type_id = $1 AND resource_surrogate_id = $2::bigint";
              await tx.query(sql.replace("%T", "fhir.resource"), [t, k]);
              await tx.query(sql.replace("%T", "public.shadow"), [t, k]);
              ops.delete++;
            }
          }
        });
        if (copying) ops.duringCopy++;
      }
    })();
    const onEvent = (e: RunnerEvent) => {
      if (e.type === "step" && e.step === "copy") copying = e.state === "running";
      if (e.type === "step" && e.step === "cutover" && e.state === "done") newApp = true;
    };
    // Small batches with a nice-ratio pause so the writer interleaves with many copy batches.
    const r = await applyStrategy(s, stagingSet(300), { onEvent, throttle: { niceRatio: 1 } }).finally(() => {
      stop = true;
    });
    await writer;
    expect(r.state).toBe("completed");
    expect(ops.duringCopy).toBeGreaterThan(100);
    expect(ops.update).toBeGreaterThan(30);
    expect(ops.delete).toBeGreaterThan(30);
    const shadow = await shadowFingerprint(s);
    const live = await fingerprint(s);
    expect(Object.keys(live).length).toBeGreaterThan(15);
    expect(live).toEqual(shadow);
    // Old-application inserts of conformance types (default partition 2) ended up in partition 1.
    expect(r.validation.conformance_rows_not_in_partition_1).toBe(0);
  });
});
