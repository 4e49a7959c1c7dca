// edfi-dms-tuning on a real PostgreSQL: every step idempotent, rollback restores the before-image exactly
// (catalog: reloptions, indexes, constraints, functions, columns; and the data), options validated by name.
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ledger } from "../../schema/ledger";
import { applySet, rollbackSet } from "../../schema/runner";
import { buildSet } from "../../schema/sets";
import { withChecksums } from "../../schema/checksum";
import { runActions, runProbe } from "../../schema/steps";
import type { ChecksummedSet } from "../../schema/types";
import { catalogSnapshot, type CatalogSnapshot } from "./catalog";
import { edfiDatabase, type EdfiDb } from "./fixture";

async function referenceRows(e: EdfiDb): Promise<string[]> {
  const r = await e.client.query(
    `SELECT ParentDocumentPartitionKey || ':' || ParentDocumentId || ':' || ReferentialId || ':' || coalesce(ReferencedDocumentId::text, '-') AS k
       FROM dms.reference ORDER BY 1`,
  );
  return r.rows.map((x) => x.k);
}

function diff(a: CatalogSnapshot, b: CatalogSnapshot): string[] {
  return (Object.keys(a) as (keyof CatalogSnapshot)[]).filter((k) => !isDeepStrictEqual(a[k], b[k]));
}

describe.each([
  { label: "defaults", options: {} },
  { label: "with the deferred Alias FK", options: { deferAliasFk: true, indexFillfactor: 80 } },
])("edfi-dms-tuning ($label)", ({ options }) => {
  let e: EdfiDb;
  let set: ChecksummedSet;
  let baseline: CatalogSnapshot;
  let baselineRows: string[];
  let tuned: CatalogSnapshot;

  beforeAll(async () => {
    e = await edfiDatabase({ documents: 300 });
    // Settings someone made before us: the before-image must bring these back, not just reset ours.
    await e.client.query("ALTER TABLE dms.reference_03 SET (autovacuum_vacuum_scale_factor = 0.1, autovacuum_enabled = true)");
    await e.client.query("ALTER INDEX dms.reference_05_pkey SET (fillfactor = 70)");
    set = buildSet("edfi-dms-tuning", "postgres", options);
    baseline = await catalogSnapshot(e.client);
    baselineRows = await referenceRows(e);
  });
  afterAll(async () => e?.close());

  it("applies, validates and changes the catalog", async () => {
    const r = await applySet(e.session, set);
    expect(r.state).toBe("completed");
    expect(r.applied).toEqual(set.migrations.map((m) => m.id));
    expect(Object.values(r.validation).every((v) => v === 0)).toBe(true);
    tuned = await catalogSnapshot(e.client);
    expect(diff(baseline, tuned).sort()).toEqual(["columns", "comments", "constraints", "functions", "indexes", "relations", "reloptions"]);
    const ff = (options as { indexFillfactor?: number }).indexFillfactor ?? 85;
    expect(tuned.reloptions["reference_05_pkey"]).toEqual([`fillfactor=${ff}`]);
    expect(tuned.reloptions["reference_03"]).toEqual([
      "autovacuum_analyze_scale_factor=0.02",
      "autovacuum_enabled=true",
      "autovacuum_vacuum_insert_scale_factor=0.02",
      "autovacuum_vacuum_scale_factor=0.02",
    ]);
    expect(tuned.columns["reference"]).toEqual([
      "id bigint not null identity a",
      "parentdocumentid bigint not null",
      "parentdocumentpartitionkey smallint not null",
      "referentialid uuid not null",
      "referentialpartitionkey smallint not null",
    ]);
    expect(tuned.indexes.some((d) => d.includes("referenceddocument"))).toBe(false);
  });

  it("is idempotent: a second apply does nothing and re-running each step's actions right after it leaves the catalog as it is", async () => {
    expect((await applySet(e.session, set)).applied).toEqual([]);
    // Replay migration by migration on a second database: apply 1..k, then run migration k's steps again.
    const f = await edfiDatabase({ documents: 100 });
    try {
      const ledger = new Ledger(f.session);
      for (let k = 1; k <= set.migrations.length; k++) {
        const m = set.migrations[k - 1];
        await applySet(f.session, withChecksums({ ...set, migrations: set.migrations.slice(0, k) }));
        const once = await catalogSnapshot(f.client);
        const images = new Map((await ledger.steps(set.name, m.id)).map((s) => [s.name, s.beforeImage]));
        for (const step of m.steps) {
          if (step.kind === "validate") continue;
          const image = images.get(step.name);
          if (step.transactional) await f.session.transaction((tx) => runActions(tx, step.up, image));
          else await runActions(f.session, step.up, image);
          expect(diff(once, await catalogSnapshot(f.client)), `${m.id}/${step.name}`).toEqual([]);
          if (step.done) expect(await runProbe(f.session, step.done), `${m.id}/${step.name} probe`).toBe(true);
        }
      }
    } finally {
      await f.close();
    }
  });

  it("rolls back to the before-image exactly, data included, and a second rollback changes nothing", async () => {
    const r = await rollbackSet(e.session, set);
    expect(r.applied).toEqual([...set.migrations.map((m) => m.id)].reverse());
    const after = await catalogSnapshot(e.client);
    expect(diff(baseline, after)).toEqual([]);
    expect(after.reloptions["reference_03"]).toEqual(["autovacuum_enabled=true", "autovacuum_vacuum_scale_factor=0.1"]);
    expect(after.reloptions["reference_05_pkey"]).toEqual(["fillfactor=70"]);
    expect(await referenceRows(e)).toEqual(baselineRows);
    expect((await rollbackSet(e.session, set)).applied).toEqual([]);
    expect(diff(baseline, await catalogSnapshot(e.client))).toEqual([]);
  });

  it("re-running every down action from the rolled-back state changes nothing", async () => {
    const ledger = new Ledger(e.session);
    for (const m of [...set.migrations].reverse()) {
      const images = new Map((await ledger.steps(set.name, m.id)).map((s) => [s.name, s.beforeImage]));
      for (const step of [...m.steps].reverse()) {
        if (!step.down) continue;
        const down = step.down;
        if (step.transactional) await e.session.transaction((tx) => runActions(tx, down, images.get(step.name)));
        else await runActions(e.session, down, images.get(step.name));
      }
    }
    expect(diff(baseline, await catalogSnapshot(e.client))).toEqual([]);
    expect(await referenceRows(e)).toEqual(baselineRows);
  });
});

describe("edfi-dms-tuning 0002 resumed after a kill between ALTER INDEX and REINDEX", () => {
  let e: EdfiDb;
  beforeAll(async () => {
    e = await edfiDatabase({ documents: 100 });
  });
  afterAll(async () => e?.close());

  it("does not take a set-but-not-rebuilt leaf index for done", async () => {
    const set = buildSet("edfi-dms-tuning", "postgres");
    const step = set.migrations[1].steps[0];
    // What a run killed after its first ALTER INDEX leaves behind: the reloption, no rebuild, no marker.
    await e.client.query("ALTER INDEX dms.reference_00_pkey SET (fillfactor = 85)");
    expect(await runProbe(e.session, step.done!)).toBe(false);
    await applySet(e.session, withChecksums({ ...set, migrations: set.migrations.slice(0, 2) }));
    expect(await runProbe(e.session, step.done!)).toBe(true);
    const marked = await e.client.query(
      `SELECT count(*)::int AS n FROM pg_class c WHERE c.relnamespace = 'dms'::regnamespace AND c.relkind = 'i'
          AND obj_description(c.oid, 'pg_class') = 'sqlfleet edfi-dms-tuning: rebuilt with fillfactor 85'`,
    );
    expect(marked.rows[0].n).toBe(16 * 4); // PK, parent, referenced-document and referential index per leaf
  });
});

describe("edfi-dms-tuning options", () => {
  it("names the option, the value and the allowed range or set", () => {
    expect(() => buildSet("edfi-dms-tuning", "postgres", { indexFillfactor: 30 })).toThrow(
      "edfi-dms-tuning: option indexFillfactor must be an integer in 50..100; got 30",
    );
    expect(() => buildSet("edfi-dms-tuning", "postgres", { vacuumScaleFactor: "0.02" })).toThrow(
      'edfi-dms-tuning: option vacuumScaleFactor must be a number in 0.001..0.5; got "0.02"',
    );
    expect(() => buildSet("edfi-dms-tuning", "postgres", { referencePartitions: 48, allowRebuild: true })).toThrow(
      "edfi-dms-tuning: option referencePartitions must be one of 16, 32, 64; got 48",
    );
    expect(() => buildSet("edfi-dms-tuning", "postgres", { fillfactor: 85 })).toThrow(/unknown option "fillfactor"; allowed: vacuumScaleFactor/);
  });

  it("orders the optional migrations: deferral before the FK drop, AliasId before the partition rebuild", () => {
    const s = buildSet("edfi-dms-tuning", "postgres", { deferAliasFk: true, aliasId: true, referencePartitions: 64, allowRebuild: true });
    expect(s.migrations.map((m) => m.id)).toEqual([
      "0001-reference-autovacuum",
      "0002-reference-index-fillfactor",
      "0003-alias-fk-deferrable",
      "0004-drop-referenced-document",
      "0005-reference-alias-id",
      "0006-reference-partitions-64",
    ]);
    expect(buildSet("edfi-dms-tuning", "postgres").migrations.map((m) => m.id)).toEqual([
      "0001-reference-autovacuum",
      "0002-reference-index-fillfactor",
      "0004-drop-referenced-document",
    ]);
  });

  it("refuses the partition rebuild unless asked for explicitly", () => {
    expect(() => buildSet("edfi-dms-tuning", "postgres", { referencePartitions: 64 })).toThrow(
      /referencePartitions=64 rebuilds dms.Reference online .* refused unless allowRebuild=true/,
    );
  });

  it("declares the lock of every step, and runs the concurrent rebuilds outside a transaction", () => {
    const s = buildSet("edfi-dms-tuning", "postgres", { deferAliasFk: true });
    for (const m of s.migrations) for (const step of m.steps) expect(step.lock.mode.length, `${m.id}/${step.name}`).toBeGreaterThan(0);
    const lockOf = (id: string, step: string) => s.migrations.find((m) => m.id === id)?.steps.find((x) => x.name === step)?.lock.mode;
    expect(lockOf("0001-reference-autovacuum", "leaf-reloptions")).toBe("ShareUpdateExclusive");
    expect(lockOf("0002-reference-index-fillfactor", "fillfactor-and-reindex")).toBe("ShareUpdateExclusive");
    expect(lockOf("0003-alias-fk-deferrable", "defer-fk")).toBe("AccessExclusive");
    expect(lockOf("0004-drop-referenced-document", "swap")).toBe("AccessExclusive");
    expect(lockOf("0004-drop-referenced-document", "stage")).toBe("ShareRowExclusive");
    const reindex = s.migrations[1].steps[0];
    expect(reindex.transactional).toBe(false);
    expect(JSON.stringify(reindex.up)).toContain("REINDEX INDEX CONCURRENTLY");
  });
});
