// A database whose dms schema is neither empty nor sqlfleet's fresh-create shape is refused before anything is
// written — not even sqlfleet's ledger — with exit 2 and the first object that differs. The fixture here is a
// DMS-like write path written by us with the index names the DMS deploy scripts use (facts from issue 10's
// reproduction at Ed-Fi-Alliance-OSS/Data-Management-Service@670a8159: IX_FK_Alias_Document, …).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { registerSchemaCommands } from "../../cli/commands/schema";
import { runJsonCommand } from "../support/cli";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { freshCreateDdl } from "../../schema/sets/edfi-dms/ddl";
import { BASELINE_SHAPE } from "../../schema/sets/edfi-dms/shape";

const run = (args: string[]) => runJsonCommand<{ error?: string; message?: string; exitCode?: number }>(registerSchemaCommands, args);

const DMS_LIKE = [
  "CREATE SCHEMA dms",
  `CREATE TABLE dms.document (Id bigint GENERATED ALWAYS AS IDENTITY, DocumentPartitionKey smallint NOT NULL, DocumentUuid uuid NOT NULL,
     ResourceName varchar(256) NOT NULL, EdfiDoc jsonb NOT NULL, SecurityElements jsonb NOT NULL,
     CONSTRAINT document_pkey PRIMARY KEY (DocumentPartitionKey, Id))`,
  "CREATE UNIQUE INDEX ux_document_documentuuid ON dms.document (DocumentPartitionKey, DocumentUuid)",
  "CREATE UNIQUE INDEX ux_document_documentid ON dms.document (DocumentPartitionKey, Id)",
  `CREATE TABLE dms.alias (Id bigint GENERATED ALWAYS AS IDENTITY, ReferentialPartitionKey smallint NOT NULL, ReferentialId uuid NOT NULL,
     DocumentId bigint NOT NULL, DocumentPartitionKey smallint NOT NULL, CONSTRAINT alias_pkey PRIMARY KEY (ReferentialPartitionKey, Id))`,
  "CREATE UNIQUE INDEX ux_alias_referentialid ON dms.alias (ReferentialPartitionKey, ReferentialId)",
  "CREATE INDEX ix_fk_alias_document ON dms.alias (DocumentPartitionKey, DocumentId)",
  `CREATE TABLE dms.reference (Id bigint GENERATED ALWAYS AS IDENTITY, ParentDocumentId bigint NOT NULL, ParentDocumentPartitionKey smallint NOT NULL,
     ReferencedDocumentId bigint, ReferencedDocumentPartitionKey smallint, ReferentialId uuid NOT NULL, ReferentialPartitionKey smallint NOT NULL,
     CONSTRAINT reference_pkey PRIMARY KEY (ParentDocumentPartitionKey, Id))`,
  "CREATE INDEX ux_reference_parentdocumentid ON dms.reference (ParentDocumentPartitionKey, ParentDocumentId)",
  `CREATE FUNCTION dms.insertreferences(parentDocumentIds bigint[], parentDocumentPartitionKeys smallint[], referentialIds uuid[], referentialPartitionKeys smallint[])
     RETURNS TABLE (ReferentialId uuid) LANGUAGE plpgsql AS $$ BEGIN RETURN; END $$`,
];

/** Every object outside the system schemas, with function bodies: equal before and after means nothing changed. */
async function catalog(url: string): Promise<string[]> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    const rels = await c.query(
      `SELECT n.nspname || '.' || c.relname || ':' || c.relkind::text AS o FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1`,
    );
    const fns = await c.query(
      `SELECT p.oid::regprocedure::text || ':' || md5(pg_get_functiondef(p.oid)) AS o FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    const ns = await c.query("SELECT nspname AS o FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' ORDER BY 1");
    return [...rels.rows, ...fns.rows, ...ns.rows].map((r) => String(r.o));
  } finally {
    await c.end();
  }
}

describe("edfi sets on a database of the wrong shape", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("edfiwrong");
    const c = new pg.Client(db.url);
    await c.connect();
    for (const sql of DMS_LIKE) await c.query(sql);
    await c.end();
  });
  afterAll(async () => db?.drop());

  it.each([["apply"], ["apply", "--baseline"]])("edfi-dms %s refuses with exit 2, names the first difference, changes nothing", async (...cmd) => {
    const before = await catalog(db.url);
    const r = await run(["schema", ...cmd, "--set", "edfi-dms", "--url", db.url, "--json"]);
    expect(r.exitCode).toBe(2);
    expect(r.out.error).toBe("refused");
    expect(r.out.message).toMatch(/index dms\.alias\.ix_alias_documentid: expected .*found the indexes \[alias_pkey, ix_fk_alias_document, ux_alias_referentialid\]/);
    expect(r.out.message).toMatch(/Nothing was changed/);
    const after = await catalog(db.url);
    expect(after).toEqual(before);
    expect(after.some((o) => o.startsWith("sqlfleet"))).toBe(false);
  });

  it("edfi-dms-tuning refuses with exit 2 while edfi-dms is not applied, changes nothing", async () => {
    const before = await catalog(db.url);
    const r = await run(["schema", "apply", "--set", "edfi-dms-tuning", "--url", db.url, "--json"]);
    expect(r.exitCode).toBe(2);
    expect(r.out.message).toMatch(/requires migration set "edfi-dms" to be fully applied first/);
    expect(await catalog(db.url)).toEqual(before);
  });

  it("never replaces the application's own InsertReferences on sqlfleet-shaped tables", async () => {
    const other = await createTestDatabase("edfiforeignfn");
    try {
      const c = new pg.Client(other.url);
      await c.connect();
      for (const sql of freshCreateDdl(BASELINE_SHAPE)) await c.query(sql);
      await c.query(DMS_LIKE[DMS_LIKE.length - 1]);
      await c.end();
      const before = await catalog(other.url);
      const r = await run(["schema", "apply", "--set", "edfi-dms", "--url", other.url, "--json"]);
      expect(r.exitCode).toBe(2);
      expect(r.out.message).toMatch(/function dms\.insertreferences\(.*\) returns TABLE\(referentialid uuid\): expected TABLE\(invalidreferentialid uuid\)/);
      expect(await catalog(other.url)).toEqual(before);
    } finally {
      await other.drop();
    }
  });
});
