// The edfi-dms set on a real PostgreSQL: fresh create, idempotent re-apply, baseline adoption of an existing
// database, and the InsertReferences contract (delete-then-insert, invalid-id report, nothing half-written).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ledger } from "../../schema/ledger";
import { postgresDialect } from "../../schema/dialects/postgres";
import { applySet } from "../../schema/runner";
import { buildSet } from "../../schema/sets";
import { freshCreateDdl } from "../../schema/sets/edfi-dms/ddl";
import { functionsSql } from "../../schema/sets/edfi-dms/functions";
import { BASELINE_SHAPE } from "../../schema/sets/edfi-dms/shape";
import { referencingDocumentsQuery, referencingResourceNamesQuery } from "../../schema/sets/edfi-dms/reverse-lookups";
import { insertReferences, type InsertCall } from "../../schema/sets/edfi-dms/workload";
import { createTestDatabase } from "../support/postgres";
import { connect, edfiDatabase, type EdfiDb } from "./fixture";

const UNKNOWN_A = "00000000-0000-4000-8000-00000000000a";
const UNKNOWN_B = "00000000-0000-4000-8000-00000000000b";

describe("edfi-dms: fresh create", () => {
  let e: EdfiDb;
  beforeAll(async () => {
    e = await edfiDatabase({ documents: 300, origin: "sqlfleet" });
  });
  afterAll(async () => e?.close());

  it("creates 16 hash partitions per table, the keys, indexes and the Reference FKs", async () => {
    const leaves = await e.client.query(
      `SELECT t::text AS t, (SELECT count(*)::int FROM pg_partition_tree(t) WHERE isleaf) AS n
         FROM unnest(ARRAY['dms.document', 'dms.alias', 'dms.reference']::regclass[]) t ORDER BY 1`,
    );
    expect(leaves.rows).toEqual([
      { t: "dms.alias", n: 16 },
      { t: "dms.document", n: 16 },
      { t: "dms.reference", n: 16 },
    ]);
    const bound = await e.client.query("SELECT pg_get_expr(relpartbound, oid) AS b FROM pg_class WHERE oid = 'dms.reference_07'::regclass");
    expect(bound.rows[0].b).toBe("FOR VALUES WITH (modulus 16, remainder 7)");
    const fks = await e.client.query(
      `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = 'dms.reference'::regclass AND contype = 'f' AND conparentid = 0 ORDER BY 1`,
    );
    expect(fks.rows).toEqual([
      { conname: "fk_reference_parentdocument", def: "FOREIGN KEY (parentdocumentpartitionkey, parentdocumentid) REFERENCES dms.document(documentpartitionkey, id) ON DELETE CASCADE" },
      { conname: "fk_reference_referencedalias", def: "FOREIGN KEY (referentialpartitionkey, referentialid) REFERENCES dms.alias(referentialpartitionkey, referentialid) ON UPDATE CASCADE ON DELETE RESTRICT" },
      { conname: "fk_reference_referenceddocument", def: "FOREIGN KEY (referenceddocumentpartitionkey, referenceddocumentid) REFERENCES dms.document(documentpartitionkey, id)" },
    ]);
    const idx = await e.client.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'dms' AND tablename = 'reference' ORDER BY 1");
    expect(idx.rows.map((r) => r.indexname)).toEqual([
      "ix_fk_reference_referencedalias",
      "reference_pkey",
      "ux_reference_parentdocumentid",
      "ux_reference_referenceddocumentid",
    ]);
  });

  it("re-applying is a no-op", async () => {
    const again = await applySet(e.session, buildSet("edfi-dms", "postgres"));
    expect(again.applied).toEqual([]);
    const rows = await new Ledger(e.session).migrations("edfi-dms");
    expect(rows.map((r) => [r.migrationId, r.state])).toEqual([["0001-write-path", "completed"]]);
  });

  it("seeds partition keys as DMS computes them: last UUID byte mod 16", async () => {
    const r = await e.client.query(
      "SELECT count(*)::int AS bad FROM dms.document WHERE DocumentPartitionKey <> get_byte(uuid_send(DocumentUuid), 15) % 16",
    );
    expect(r.rows[0].bad).toBe(0);
  });
});

describe("edfi-dms: InsertReferences contract", () => {
  let e: EdfiDb;
  let parent: { id: string; key: number };
  let aliases: { referentialId: string; key: number; documentId: string; documentKey: number }[];
  const call = (refs: { referentialId: string; key: number }[], p = parent): InsertCall => ({
    parentIds: refs.map(() => p.id),
    parentKeys: refs.map(() => p.key),
    referentialIds: refs.map((r) => r.referentialId),
    referentialKeys: refs.map((r) => r.key),
  });
  const referencesOf = async (p = parent) =>
    (
      await e.client.query(
        `SELECT ReferentialId::text AS rid, ReferencedDocumentId::text AS did FROM dms.reference
          WHERE ParentDocumentPartitionKey = $1 AND ParentDocumentId = $2 ORDER BY 1`,
        [p.key, p.id],
      )
    ).rows;

  beforeAll(async () => {
    e = await edfiDatabase({ documents: 200 });
    parent = (await e.client.query("SELECT Id::text AS id, DocumentPartitionKey AS key FROM dms.document ORDER BY Id LIMIT 1")).rows[0];
    aliases = (
      await e.client.query(
        `SELECT ReferentialId::text AS "referentialId", ReferentialPartitionKey AS key, DocumentId::text AS "documentId",
                DocumentPartitionKey AS "documentKey" FROM dms.alias ORDER BY Id DESC LIMIT 4`,
      )
    ).rows;
  });
  afterAll(async () => e?.close());

  it("replaces the parent's references (delete-then-insert) and fills the referenced document from Alias", async () => {
    expect((await referencesOf()).length).toBe(5); // seeded
    expect(await insertReferences(e.client, call(aliases.slice(0, 3)))).toEqual([]);
    const expected = aliases
      .slice(0, 3)
      .map((a) => ({ rid: a.referentialId, did: a.documentId }))
      .sort((x, y) => x.rid.localeCompare(y.rid));
    expect(await referencesOf()).toEqual(expected);
  });

  it("reports unknown referential ids and writes nothing", async () => {
    const before = await referencesOf();
    const got = await insertReferences(
      e.client,
      call([{ referentialId: UNKNOWN_B, key: 3 }, aliases[3], { referentialId: UNKNOWN_A, key: 3 }]),
    );
    expect(got).toEqual([UNKNOWN_A, UNKNOWN_B]);
    expect(await referencesOf()).toEqual(before);
  });

  it("raises (not reports) when the parent document does not exist", async () => {
    await expect(insertReferences(e.client, call(aliases.slice(0, 1), { id: "999999999", key: 1 }))).rejects.toMatchObject({ code: "23503" });
  });

  it("answers the application's two reverse lookups", async () => {
    const target = aliases[0];
    const docs = await e.client.query(referencingDocumentsQuery(BASELINE_SHAPE), [target.documentId, target.documentKey]);
    expect(docs.rows).toContainEqual({ id: parent.id, key: parent.key });
    const uuid = (await e.client.query("SELECT DocumentUuid::text AS u FROM dms.document WHERE Id = $1", [target.documentId])).rows[0].u;
    const names = await e.client.query(referencingResourceNamesQuery(BASELINE_SHAPE), [uuid, target.documentKey]);
    const parentName = (await e.client.query("SELECT ResourceName AS n FROM dms.document WHERE Id = $1", [parent.id])).rows[0].n;
    expect(names.rows.map((r) => r.name)).toContain(parentName);
  });
});

describe("edfi-dms: baseline adoption", () => {
  it("adopts a database that already has the write path, and completes one that lacks InsertReferences", async () => {
    const full = await createTestDatabase("edfi_adopt");
    const partial = await createTestDatabase("edfi_partial");
    const s1 = await postgresDialect.connect({ engine: "postgres", url: full.url });
    const s2 = await postgresDialect.connect({ engine: "postgres", url: partial.url });
    try {
      for (const [db, fns] of [
        [full, functionsSql(BASELINE_SHAPE)],
        [partial, []], // an interrupted create: tables, no function
      ] as const) {
        const c = await connect(db.url);
        for (const sql of [...freshCreateDdl(BASELINE_SHAPE), ...fns]) await c.query(sql);
        await c.end();
      }
      const adopted = await applySet(s1, buildSet("edfi-dms", "postgres"), { baseline: true });
      expect(adopted.applied).toEqual([]);
      expect((await new Ledger(s1).migrations("edfi-dms")).map((r) => r.state)).toEqual(["baselined"]);

      const completed = await applySet(s2, buildSet("edfi-dms", "postgres"), { baseline: true });
      expect(completed.applied).toEqual(["0001-write-path"]);
      expect(completed.validation["InsertReferences exists with the DMS's result"]).toBe(0);
    } finally {
      await s1.close();
      await s2.close();
      await full.drop();
      await partial.drop();
    }
  });

  it("rejects options it does not take, naming the option", () => {
    expect(() => buildSet("edfi-dms", "postgres", { partitions: 32 })).toThrow(/edfi-dms: unknown option "partitions"/);
  });
});
