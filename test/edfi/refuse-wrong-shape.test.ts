// A database whose dms schema is neither empty nor the DMS's write-path catalog is refused before anything is
// written — not even sqlfleet's ledger — with exit 2 and the first object that differs. The fixtures are the
// DMS-shaped write path (dms-fixture.ts) with one object changed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { registerSchemaCommands } from "../../cli/commands/schema";
import { runJsonCommand } from "../support/cli";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { DMS_FIXTURE_SQL } from "./dms-fixture";

const run = (args: string[]) => runJsonCommand<{ error?: string; message?: string; exitCode?: number }>(registerSchemaCommands, args);

/** The write path sqlfleet's first round created: the DMS's tables with its own name for Alias's FK index. */
const WRONG_INDEX = [...DMS_FIXTURE_SQL, "ALTER INDEX dms.ix_fk_alias_document RENAME TO ix_alias_documentid"];

/** The DMS's tables with an InsertReferences of another result: somebody else's function, not ours to replace. */
const FOREIGN_FUNCTION = [
  ...DMS_FIXTURE_SQL.filter((sql) => !sql.includes("FUNCTION dms.InsertReferences")),
  `CREATE FUNCTION dms.insertreferences(parentDocumentIds bigint[], parentDocumentPartitionKeys smallint[], referentialIds uuid[], referentialPartitionKeys smallint[])
     RETURNS TABLE (InvalidReferentialId uuid) LANGUAGE plpgsql AS $$ BEGIN RETURN; END $$`,
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
    for (const sql of WRONG_INDEX) await c.query(sql);
    await c.end();
  });
  afterAll(async () => db?.drop());

  it.each([["apply"], ["apply", "--baseline"]])("edfi-dms %s refuses with exit 2, names the first difference, changes nothing", async (...cmd) => {
    const before = await catalog(db.url);
    const r = await run(["schema", ...cmd, "--set", "edfi-dms", "--url", db.url, "--json"]);
    expect(r.exitCode).toBe(2);
    expect(r.out.error).toBe("refused");
    expect(r.out.message).toContain(
      "index dms.alias.ix_alias_documentid: expected no such index, found CREATE INDEX ix_alias_documentid ON ONLY dms.alias USING btree (documentpartitionkey, documentid)",
    );
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

  it("refuses an InsertReferences with another result, never replacing it", async () => {
    const other = await createTestDatabase("edfiforeignfn");
    try {
      const c = new pg.Client(other.url);
      await c.connect();
      for (const sql of FOREIGN_FUNCTION) await c.query(sql);
      await c.end();
      const before = await catalog(other.url);
      const r = await run(["schema", "apply", "--set", "edfi-dms", "--url", other.url, "--json"]);
      expect(r.exitCode).toBe(2);
      expect(r.out.message).toMatch(/function dms\.insertreferences\(.*\) returns TABLE\(invalidreferentialid uuid\): expected TABLE\(referentialid uuid\)/);
      expect(await catalog(other.url)).toEqual(before);
    } finally {
      await other.drop();
    }
  });
});
