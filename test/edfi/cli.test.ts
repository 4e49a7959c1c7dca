// `sqlfleet schema apply|rollback --set edfi-dms-tuning` through the real CLI process (on a test database via
// --url; the embedded default under .sqlfleet/ is shared with the developer's own runs): apply validates,
// rollback returns the catalog to the baseline.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogSnapshot, type CatalogSnapshot } from "./catalog";
import { edfiDatabase, type EdfiDb } from "./fixture";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");

async function cli(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "cli/main.ts", ...args, "--json"], {
    cwd: ROOT,
    timeout: 120_000,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe("sqlfleet schema … --set edfi-dms-tuning", () => {
  let e: EdfiDb;
  let baseline: CatalogSnapshot;
  beforeAll(async () => {
    e = await edfiDatabase({ documents: 200 });
    baseline = await catalogSnapshot(e.client);
  });
  afterAll(async () => e?.close());

  it("applies and validates, then rolls back to the baseline catalog", async () => {
    const applied = await cli("schema", "apply", "--set", "edfi-dms-tuning", "--url", e.db.url);
    expect(applied.state).toBe("completed");
    expect(applied.applied).toEqual(["0001-reference-autovacuum", "0002-reference-index-fillfactor", "0004-drop-referenced-document"]);
    expect(Object.values(applied.validation as Record<string, number>).every((v) => v === 0)).toBe(true);
    expect(await catalogSnapshot(e.client)).not.toEqual(baseline);

    const rolled = await cli("schema", "rollback", "--set", "edfi-dms-tuning", "--url", e.db.url);
    expect(rolled.state).toBe("rolled_back");
    expect(await catalogSnapshot(e.client)).toEqual(baseline);
  });
});
