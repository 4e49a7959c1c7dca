// The Ed-Fi DMS's own deploy scripts, run unmodified against the embedded PostgreSQL, then sqlfleet on what they
// built: edfi-dms adopts it without a change, the fixture written from its facts prints the same catalog, and
// `schema apply --set edfi-dms`, `--set edfi-dms-tuning`, `schema rollback --set edfi-dms-tuning` through the
// CLI all exit 0 and leave the catalog as the scripts made it (InsertReferences byte for byte). The DMS's code
// is never in this repository: the test reads the scripts from a clone given by SQLFLEET_DMS_GIT_DIR (the
// `fetch` tool's mirror of Ed-Fi-Alliance-OSS/Data-Management-Service) and skips, saying so, without one.
import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { isDeepStrictEqual, promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { catalogSnapshot, type CatalogSnapshot } from "./catalog";
import { createDmsShapedDatabase } from "./dms-fixture";
import { connect } from "./fixture";
import { seedDocuments } from "../../schema/sets/edfi-dms/workload";

const GIT_DIR = process.env.SQLFLEET_DMS_GIT_DIR;
const COMMIT = process.env.SQLFLEET_DMS_COMMIT ?? "670a8159be8059e4d5f5fbe8049de6ad3da36f00";
const SCRIPTS_DIR = "src/dms/backend/EdFi.DataManagementService.Backend.Postgresql/Deploy/Scripts";
/** The scripts that build the write path seed 004 describes (the rest are authorization tables and triggers). */
const SCRIPTS = ["0000_Create_DMS_Schema", "0001_Create_Document_Table", "0002_Create_Alias_Table", "0003_Create_Reference_Table", "0010_Create_Insert_References_Procedure", "0015_Create_Reference_Validation_FKs"];

/** Every deploy script at the commit, in order: a DMS database as deployed (read indexes, triggers, publication). */
function allScripts(): string[] {
  const out = execFileSync("git", ["--git-dir", GIT_DIR as string, "ls-tree", "--name-only", `${COMMIT}:${SCRIPTS_DIR}`], { encoding: "utf8" });
  return out.split("\n").filter((f) => f.endsWith(".sql")).sort().map((f) => f.replace(/\.sql$/, ""));
}

function script(name: string): string {
  return execFileSync("git", ["--git-dir", GIT_DIR as string, "show", `${COMMIT}:${SCRIPTS_DIR}/${name}.sql`], { encoding: "utf8" });
}
const ROOT = path.resolve(__dirname, "../..");
const run = promisify(execFile);
const available = Boolean(GIT_DIR && existsSync(GIT_DIR));
const SKIP_REASON = available ? "" : " (skipped: SQLFLEET_DMS_GIT_DIR is not set to a git clone of Ed-Fi-Alliance-OSS/Data-Management-Service, e.g. the fetch tool's mirror)";

async function cli(...args: string[]): Promise<{ code: number; out: Record<string, unknown> }> {
  try {
    const { stdout } = await run(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "cli/main.ts", ...args, "--json"], { cwd: ROOT, timeout: 180_000 });
    return { code: 0, out: JSON.parse(stdout) as Record<string, unknown> };
  } catch (e) {
    const x = e as { code?: number; stdout?: string };
    return { code: x.code ?? -1, out: JSON.parse(x.stdout || "{}") as Record<string, unknown> };
  }
}

function changed(a: CatalogSnapshot, b: CatalogSnapshot): string[] {
  return (Object.keys(a) as (keyof CatalogSnapshot)[]).filter((k) => !isDeepStrictEqual(a[k], b[k]));
}

describe.skipIf(!available)(`the DMS's own deploy scripts (Data-Management-Service@${COMMIT.slice(0, 8)})${SKIP_REASON}`, () => {
  let db: TestDatabase;
  let scripts: CatalogSnapshot;

  beforeAll(async () => {
    db = await createTestDatabase("dmsreal");
    const c = await connect(db.url);
    try {
      for (const f of SCRIPTS) await c.query(script(f));
      await seedDocuments(c, { documents: 300, referencesPerDocument: 4 });
      scripts = await catalogSnapshot(c);
    } finally {
      await c.end();
    }
  });
  afterAll(async () => db?.drop());

  it("print the catalog our fixture prints; only InsertReferences' body differs", async () => {
    const f = await createTestDatabase("dmsfixture");
    try {
      const c = await connect(f.url);
      await createDmsShapedDatabase(c);
      const fixture = await catalogSnapshot(c);
      await c.end();
      expect(changed(scripts, fixture)).toEqual(["functions"]);
      expect(Object.keys(fixture.functions)).toEqual(Object.keys(scripts.functions));
    } finally {
      await f.drop();
    }
  });

  it("adopt, tune and roll back through the CLI, every command exit 0, the catalog as the scripts made it", async () => {
    const adopt = await cli("schema", "apply", "--set", "edfi-dms", "--url", db.url);
    expect(adopt.code, JSON.stringify(adopt.out)).toBe(0);
    const c = await connect(db.url);
    try {
      expect(changed(scripts, await catalogSnapshot(c))).toEqual([]);
      const tune = await cli("schema", "apply", "--set", "edfi-dms-tuning", "--url", db.url);
      expect(tune.code, JSON.stringify(tune.out)).toBe(0);
      expect(tune.out.applied).toEqual(["0001-reference-autovacuum", "0002-reference-index-fillfactor", "0004-drop-referenced-document"]);
      expect(changed(scripts, await catalogSnapshot(c)).length).toBeGreaterThan(0);
      const back = await cli("schema", "rollback", "--set", "edfi-dms-tuning", "--url", db.url);
      expect(back.code, JSON.stringify(back.out)).toBe(0);
      const after = await catalogSnapshot(c);
      expect(changed(scripts, after)).toEqual([]);
      expect(after.functions).toEqual(scripts.functions);
    } finally {
      await c.end();
    }
  });
});

describe.skipIf(!available)(`every DMS deploy script (Data-Management-Service@${COMMIT.slice(0, 8)})${SKIP_REASON}`, () => {
  it("builds a database that edfi-dms adopts and edfi-dms-tuning tunes and rolls back exactly", async () => {
    const db = await createTestDatabase("dmsall");
    const c = await connect(db.url);
    try {
      for (const f of allScripts()) await c.query(script(f));
      const before = await catalogSnapshot(c);
      expect(before.indexes.some((d) => d.includes("ix_document_edfidoc"))).toBe(true);
      for (const [cmd, set] of [["apply", "edfi-dms"], ["apply", "edfi-dms-tuning"], ["rollback", "edfi-dms-tuning"]]) {
        const r = await cli("schema", cmd, "--set", set, "--url", db.url);
        expect(r.code, `${cmd} ${set}: ${JSON.stringify(r.out)}`).toBe(0);
      }
      expect(changed(before, await catalogSnapshot(c))).toEqual([]);
    } finally {
      await c.end();
      await db.drop();
    }
  });
});

