// InsertReferences and the application's reverse lookups give the same answers before and after tuning (and after its
// rollback) for the same inputs, including the invalid-id report: one fixed call sequence, five databases.
import { afterAll, describe, expect, it } from "vitest";
import { applySet, rollbackSet } from "../../schema/runner";
import { buildSet } from "../../schema/sets";
import { insertReferences, loadWorkloadData, nextCall, prng, type InsertCall } from "../../schema/sets/edfi-dms/workload";
import { referencingDocumentsQuery, referencingResourceNamesQuery } from "../../schema/sets/edfi-dms/reverse-lookups";
import { BASELINE_SHAPE, type ReferenceShape } from "../../schema/sets/edfi-dms/shape";
import { edfiDatabase, type EdfiDb } from "./fixture";

const DOCUMENTS = 300;

/** The same 80 calls for every variant; every 5th carries one or two ids no Alias has. */
async function callSequence(e: EdfiDb): Promise<InsertCall[]> {
  const data = await loadWorkloadData(e.client);
  const rnd = prng(42);
  return Array.from({ length: 80 }, (_, i) => {
    const c = nextCall(data, rnd, 1, 9);
    if (i % 5 === 4) {
      const bad = [`00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, ...(i % 10 === 9 ? ["ffffffff-0000-4000-8000-000000000001"] : [])];
      for (const id of bad) {
        c.parentIds.push(c.parentIds[0]);
        c.parentKeys.push(c.parentKeys[0]);
        c.referentialIds.push(id);
        c.referentialKeys.push(i % 16);
      }
    }
    return c;
  });
}

async function currentShape(e: EdfiDb): Promise<ReferenceShape> {
  const cols = await e.client.query<{ a: string }>("SELECT attname AS a FROM pg_attribute WHERE attrelid = 'dms.reference'::regclass AND attnum > 0 AND NOT attisdropped");
  const has = (c: string) => cols.rows.some((r) => r.a === c);
  return { ...BASELINE_SHAPE, referencedDocumentColumns: has("referenceddocumentid"), aliasKey: has("aliasid") ? "AliasId" : "ReferentialId" };
}

interface Outcome {
  results: string[][];
  references: string[];
  referencingDocuments: string[];
  referencingNames: string[];
}

async function run(e: EdfiDb, calls: InsertCall[]): Promise<Outcome> {
  const results: string[][] = [];
  for (const c of calls) results.push(await insertReferences(e.client, c));
  // Reference stores ReferentialId or (AliasId shape) the Alias's Id: read either without naming a missing column.
  const refs = await e.client.query(
    `SELECT r.ParentDocumentPartitionKey || ':' || r.ParentDocumentId || ':' ||
            coalesce(to_jsonb(r) ->> 'referentialid',
                     (SELECT a.ReferentialId::text FROM dms.alias a
                       WHERE a.ReferentialPartitionKey = r.ReferentialPartitionKey AND a.Id = (to_jsonb(r) ->> 'aliasid')::bigint)) AS k
       FROM dms.reference r ORDER BY 1`,
  );
  // The application's reverse lookups, in the form the database's current shape needs (seed 004).
  const shape = await currentShape(e);
  const docs: string[] = [];
  const names: string[] = [];
  const sample = await e.client.query<{ id: string; key: number; uuid: string }>(
    "SELECT Id::text AS id, DocumentPartitionKey AS key, DocumentUuid::text AS uuid FROM dms.document WHERE Id % 7 = 0 ORDER BY Id",
  );
  for (const d of sample.rows) {
    const r = await e.client.query<{ id: string; key: number }>(referencingDocumentsQuery(shape), [d.id, d.key]);
    docs.push(`${d.id}:${r.rows.map((x) => `${x.id}/${x.key}`).join(",")}`);
    const n = await e.client.query<{ name: string }>(referencingResourceNamesQuery(shape), [d.uuid, d.key]);
    names.push(`${d.id}:${n.rows.map((x) => x.name).join(",")}`);
  }
  return {
    results,
    references: refs.rows.map((r) => r.k),
    referencingDocuments: docs,
    referencingNames: names,
  };
}

describe("InsertReferences: same results before and after tuning", () => {
  const dbs: EdfiDb[] = [];
  afterAll(async () => Promise.all(dbs.map((d) => d.close())));

  it("baseline, tuned, tuned with the deferred Alias FK, and rolled back agree call by call", async () => {
    const variants: { label: string; prepare: (e: EdfiDb) => Promise<void> }[] = [
      { label: "baseline", prepare: async () => undefined },
      { label: "tuned", prepare: async (e) => void (await applySet(e.session, buildSet("edfi-dms-tuning", "postgres"))) },
      {
        label: "tuned+deferred",
        prepare: async (e) => void (await applySet(e.session, buildSet("edfi-dms-tuning", "postgres", { deferAliasFk: true }))),
      },
      {
        label: "tuned+AliasId",
        prepare: async (e) => void (await applySet(e.session, buildSet("edfi-dms-tuning", "postgres", { aliasId: true }))),
      },
      {
        label: "rolled back",
        prepare: async (e) => {
          const set = buildSet("edfi-dms-tuning", "postgres", { deferAliasFk: true });
          await applySet(e.session, set);
          await rollbackSet(e.session, set);
        },
      },
    ];
    const outcomes: Record<string, Outcome> = {};
    let calls: InsertCall[] | undefined;
    for (const v of variants) {
      const e = await edfiDatabase({ documents: DOCUMENTS });
      dbs.push(e);
      await v.prepare(e);
      calls ??= await callSequence(e);
      outcomes[v.label] = await run(e, calls);
    }
    const base = outcomes.baseline;
    // The sequence exercises both answers: successes and reports of one and two unknown ids.
    expect(base.results.filter((r) => r.length === 0).length).toBe(64);
    expect(base.results[4]).toEqual(["00000000-0000-4000-8000-000000000004"]);
    expect(base.results[9]).toEqual(["00000000-0000-4000-8000-000000000009", "ffffffff-0000-4000-8000-000000000001"]);
    expect(base.referencingDocuments.some((k) => !k.endsWith(":"))).toBe(true);
    for (const label of ["tuned", "tuned+deferred", "tuned+AliasId", "rolled back"]) expect(outcomes[label], label).toEqual(base);
  });
});
