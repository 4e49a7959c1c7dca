// The partition-breadth rebuild (16 → 32 and back) keeps every row while clients keep calling InsertReferences:
// the final contents equal the seeded rows with every call replayed in order, and the rollback returns the
// catalog to its before-image.
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applySet, rollbackSet } from "../../schema/runner";
import { buildSet } from "../../schema/sets";
import { insertReferences, loadWorkloadData, nextCall, prng, type InsertCall, type WorkloadData } from "../../schema/sets/edfi-dms/workload";
import type { ChecksummedSet } from "../../schema/types";
import { catalogSnapshot, type CatalogSnapshot } from "./catalog";
import { connect, edfiDatabase, type EdfiDb } from "./fixture";

const CLIENTS = 3;

/** parent → sorted referential ids, as the database holds them (Reference stores ReferentialId or AliasId). */
async function contents(e: EdfiDb): Promise<Map<string, string[]>> {
  const r = await e.client.query(
    `SELECT p, array_agg(rid ORDER BY rid) AS ids FROM (
       SELECT r.ParentDocumentId::text AS p,
              coalesce(to_jsonb(r) ->> 'referentialid',
                       (SELECT a.ReferentialId::text FROM dms.alias a
                         WHERE a.ReferentialPartitionKey = r.ReferentialPartitionKey AND a.Id = (to_jsonb(r) ->> 'aliasid')::bigint)) AS rid
         FROM dms.reference r) s
      GROUP BY 1`,
  );
  return new Map(r.rows.map((x) => [x.p, x.ids]));
}

/**
 * Clients replacing the references of their own parents (id mod CLIENTS) until stopped; every call is kept.
 * Like applications they retry a call chosen as a deadlock victim (40P01) a bounded number of times, and count it.
 */
function startClients(url: string, data: WorkloadData) {
  let stop = false;
  const retries = { staleFunction: 0, deadlock: 0 };
  let failure: unknown;
  const calls: { call: InsertCall; at: number }[][] = Array.from({ length: CLIENTS }, () => []);
  const runs = Array.from({ length: CLIENTS }, async (_, i) => {
    const c = await connect(url);
    const mine = { ...data, documents: data.documents.filter((d) => Number(d.id) % CLIENTS === i) };
    const rnd = prng(7 + i);
    try {
      while (!stop) {
        const call = nextCall(mine, rnd, 2, 8);
        let invalid: string[];
        for (let attempt = 1; ; attempt++) {
          try {
            invalid = await insertReferences(c, call);
            break;
          } catch (e) {
            const code = (e as { code?: string }).code;
            // A call in flight while an Alias-key swap commits ran the old function body against the new table;
            // it wrote nothing (one statement) and is retried, as the application must (reference-rebuild.ts).
            if (code === "42703") retries.staleFunction++;
            else if (code === "40P01" && attempt < 5) retries.deadlock++;
            else throw e;
          }
        }
        if (invalid.length > 0) throw new Error(`unexpected invalid ids ${invalid.join(",")}`);
        calls[i].push({ call, at: Date.now() });
      }
    } catch (e) {
      failure ??= e;
    } finally {
      await c.end();
    }
  });
  return {
    calls,
    retries,
    /** Resolves once every client has completed `n` more calls (the migration waits on it at a barrier). */
    progress: async (n: number) => {
      const from = calls.map((c) => c.length);
      while (calls.some((c, i) => c.length < from[i] + n)) {
        if (failure) throw failure;
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    stop: async () => {
      stop = true;
      await Promise.all(runs);
      if (failure) throw failure;
    },
  };
}

function replay(start: Map<string, string[]>, calls: { call: InsertCall }[][]): Map<string, string[]> {
  const out = new Map(start);
  for (const client of calls) {
    for (const { call } of client) out.set(call.parentIds[0], [...call.referentialIds].sort());
  }
  return out;
}

describe.each([
  { label: "16 → 32 partitions", options: { referencePartitions: 32, allowRebuild: true }, migration: "0006-reference-partitions-32", leaves: 32, column: "referentialid" },
  { label: "ReferentialId → AliasId", options: { aliasId: true }, migration: "0005-reference-alias-id", leaves: 16, column: "aliasid" },
])("edfi-dms-tuning: online rebuild of dms.Reference ($label) under concurrent inserts", ({ options, migration, leaves: leafCount, column }) => {
  let e: EdfiDb;
  let set: ChecksummedSet;
  let beforeRebuild: CatalogSnapshot;
  let data: WorkloadData;
  let expected: Map<string, string[]>;

  beforeAll(async () => {
    e = await edfiDatabase({ documents: 400 });
    set = buildSet("edfi-dms-tuning", "postgres", options);
    // The default tuning first; asking for the rebuild later adds one migration and leaves the applied ones be.
    await applySet(e.session, buildSet("edfi-dms-tuning", "postgres"));
    beforeRebuild = await catalogSnapshot(e.client);
    data = await loadWorkloadData(e.client);
    expected = await contents(e);
  });
  afterAll(async () => e?.close());

  it("rebuilds without losing or resurrecting a row", async () => {
    const clients = startClients(e.db.url, data);
    // The migration waits at each step, after the copy's first batch and before validation until every client
    // has completed calls there: the workload runs through the copy, the swap and after it by construction.
    const held: string[] = [];
    const result = await applySet(e.session, set, {
      barrier: async (at) => {
        if (at.point === "batch" && at.batches !== 1) return;
        await clients.progress(3);
        held.push(at.point === "step" ? at.step : at.point);
      },
    });
    await clients.stop();
    expect(result.applied).toEqual([migration]);
    // Only an Alias-key swap changes the function a call runs; a partition-only swap never fails a call.
    if (column === "referentialid") expect(clients.retries.staleFunction).toBe(0);
    expect(held).toEqual(expect.arrayContaining(["stage", "copy", "batch", "swap", "validation"]));
    expected = replay(expected, clients.calls);
    expect(isDeepStrictEqual(await contents(e), expected)).toBe(true);
    const leaves = await e.client.query("SELECT count(*)::int AS n FROM pg_partition_tree('dms.reference') WHERE isleaf");
    expect(leaves.rows[0].n).toBe(leafCount);
    const key = await e.client.query(
      "SELECT attname FROM pg_attribute WHERE attrelid = 'dms.reference'::regclass AND attname IN ('referentialid', 'aliasid') AND NOT attisdropped",
    );
    expect(key.rows.map((x) => x.attname)).toEqual([column]);
    const leftovers = await e.client.query(
      "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname IN ('dms_rebuild', 'dms_retired')",
    );
    expect(leftovers.rows[0].n).toBe(0);
    // New rows continue the identity after the copied ones.
    const ids = await e.client.query("SELECT max(Id)::bigint AS m FROM dms.reference");
    await insertReferences(e.client, nextCall(data, prng(99), 1, 1));
    const after = await e.client.query("SELECT max(Id)::bigint AS m FROM dms.reference");
    expect(BigInt(after.rows[0].m)).toBeGreaterThan(BigInt(ids.rows[0].m));
    expected = await contents(e);
  });

  it("rolls back under the same workload, catalog as before the rebuild", async () => {
    const clients = startClients(e.db.url, data);
    const held: string[] = [];
    const r = await rollbackSet(e.session, set, {
      to: set.migrations[set.migrations.length - 2].id,
      barrier: async (at) => {
        if (at.point !== "step") return;
        await clients.progress(3);
        held.push(at.step);
      },
    });
    await clients.stop();
    expect(held).toEqual(expect.arrayContaining(["swap", "copy", "stage"]));
    expect(r.applied).toEqual([migration]);
    expect(isDeepStrictEqual(await contents(e), replay(expected, clients.calls))).toBe(true);
    const now = await catalogSnapshot(e.client);
    for (const k of Object.keys(now) as (keyof CatalogSnapshot)[]) expect(now[k], k).toEqual(beforeRebuild[k]);
  });
});
