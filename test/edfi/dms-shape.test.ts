// The DMS's real write path, adopted and tuned: the fixture written from the DMS scripts' facts (dms-fixture.ts)
// and sqlfleet's fresh create must print the same catalog (drift test); edfi-dms adopts the fixture without
// changing anything, the application's InsertReferences included; every tuning option applies, re-applies as a
// no-op and rolls back to a catalog identical to the fixture's, InsertReferences' definition byte for byte.
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresDialect } from "../../schema/dialects/postgres";
import { applySet, rollbackSet } from "../../schema/runner";
import { buildSet } from "../../schema/sets";
import { insertReferences, seedDocuments } from "../../schema/sets/edfi-dms/workload";
import { createTestDatabase } from "../support/postgres";
import { catalogSnapshot, type CatalogSnapshot } from "./catalog";
import { createDmsShapedDatabase } from "./dms-fixture";
import { connect, edfiDatabase, type EdfiDb } from "./fixture";

function changed(a: CatalogSnapshot, b: CatalogSnapshot): string[] {
  return (Object.keys(a) as (keyof CatalogSnapshot)[]).filter((k) => !isDeepStrictEqual(a[k], b[k]));
}

async function snapshotOf(build: (url: string) => Promise<void>): Promise<CatalogSnapshot> {
  const db = await createTestDatabase("dmsshape");
  try {
    await build(db.url);
    const c = await connect(db.url);
    try {
      return await catalogSnapshot(c);
    } finally {
      await c.end();
    }
  } finally {
    await db.drop();
  }
}

/** The unknown-id contract: reported (as a set), nothing written, the parent's references untouched. */
async function expectUnknownIdsReported(e: EdfiDb): Promise<void> {
  const parent = await e.client.query<{ id: string; key: number }>(
    "SELECT ParentDocumentId::text AS id, ParentDocumentPartitionKey AS key FROM dms.reference ORDER BY 1 LIMIT 1",
  );
  const known = await e.client.query<{ id: string; key: number }>("SELECT ReferentialId::text AS id, ReferentialPartitionKey AS key FROM dms.alias ORDER BY Id LIMIT 2");
  const p = parent.rows[0];
  const before = await e.client.query("SELECT count(*)::int AS n FROM dms.reference WHERE ParentDocumentId = $1", [p.id]);
  const unknown = "00000000-0000-4000-8000-00000000000f";
  const got = await insertReferences(e.client, {
    parentIds: [p.id, p.id, p.id],
    parentKeys: [p.key, p.key, p.key],
    referentialIds: [known.rows[0].id, unknown, known.rows[1].id],
    referentialKeys: [known.rows[0].key, 15, known.rows[1].key],
  });
  expect(got).toEqual([unknown]);
  const after = await e.client.query("SELECT count(*)::int AS n FROM dms.reference WHERE ParentDocumentId = $1", [p.id]);
  expect(after.rows[0].n).toBe(before.rows[0].n);
}

describe("the DMS write path: fixture vs fresh create", () => {
  it("prints the same catalog object for object; only InsertReferences' body differs (ours vs the application's)", async () => {
    const fixture = await snapshotOf(async (url) => {
      const c = await connect(url);
      await createDmsShapedDatabase(c).finally(() => c.end());
    });
    const fresh = await snapshotOf(async (url) => {
      const s = await postgresDialect.connect({ engine: "postgres", url });
      await applySet(s, buildSet("edfi-dms", "postgres")).finally(() => s.close());
    });
    expect(changed(fixture, fresh)).toEqual(["functions"]);
    expect(Object.keys(fresh.functions)).toEqual(Object.keys(fixture.functions));
    expect(fixture.relations).toContain("document_07 r replica=f FOR VALUES WITH (modulus 16, remainder 7)");
    expect(fixture.columns["reference"].slice(3, 5)).toEqual(["referenceddocumentid bigint", "referenceddocumentpartitionkey smallint"]);
  });
});

describe("edfi-dms adopts a DMS-shaped database", () => {
  it("records the set and changes nothing, the application's InsertReferences included", async () => {
    const db = await createTestDatabase("dmsadopt");
    const c = await connect(db.url);
    const s = await postgresDialect.connect({ engine: "postgres", url: db.url });
    try {
      await createDmsShapedDatabase(c);
      const before = await catalogSnapshot(c);
      const r = await applySet(s, buildSet("edfi-dms", "postgres"));
      expect(r.state).toBe("completed");
      expect(Object.values(r.validation).every((v) => v === 0)).toBe(true);
      expect(changed(before, await catalogSnapshot(c))).toEqual([]);
    } finally {
      await c.end();
      await s.close();
      await db.drop();
    }
  });
});

describe.each([
  { label: "defaults", options: {} },
  { label: "deferred Alias FK", options: { deferAliasFk: true } },
  { label: "AliasId and 32 partitions", options: { aliasId: true, referencePartitions: 32, allowRebuild: true } },
  { label: "only the partition rebuild", options: { dropReferencedDocument: false, referencePartitions: 32, allowRebuild: true } },
])("edfi-dms-tuning on the adopted DMS database ($label)", ({ options }) => {
  let e: EdfiDb;
  let original: CatalogSnapshot;
  const set = buildSet("edfi-dms-tuning", "postgres", options);

  beforeAll(async () => {
    e = await edfiDatabase({ documents: 200 });
    original = await catalogSnapshot(e.client);
    await expectUnknownIdsReported(e);
  });
  afterAll(async () => e?.close());

  it("applies, reports unknown ids as before, and re-applies as a no-op", async () => {
    const r = await applySet(e.session, set);
    expect(r.state).toBe("completed");
    expect(Object.values(r.validation).every((v) => v === 0)).toBe(true);
    const tuned = await catalogSnapshot(e.client);
    expect(changed(original, tuned).length).toBeGreaterThan(0);
    await expectUnknownIdsReported(e);
    expect((await applySet(e.session, set)).applied).toEqual([]);
    expect(changed(tuned, await catalogSnapshot(e.client))).toEqual([]);
  });

  it("rolls back to the DMS's catalog exactly, InsertReferences byte for byte", async () => {
    await rollbackSet(e.session, set);
    const back = await catalogSnapshot(e.client);
    expect(changed(original, back)).toEqual([]);
    expect(back.functions).toEqual(original.functions);
    await expectUnknownIdsReported(e);
  });
});

describe("seeding a DMS-shaped database", () => {
  it("fills SecurityElements, which the DMS requires", async () => {
    const db = await createTestDatabase("dmsseed");
    const c = await connect(db.url);
    try {
      await createDmsShapedDatabase(c);
      await seedDocuments(c, { documents: 10, referencesPerDocument: 2 });
      const r = await c.query("SELECT count(*)::int AS n FROM dms.document WHERE SecurityElements IS NOT NULL");
      expect(r.rows[0].n).toBe(10);
    } finally {
      await c.end();
      await db.drop();
    }
  });
});
