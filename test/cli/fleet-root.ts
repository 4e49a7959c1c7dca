// A scratch copy of the committed fleet (Pulumi.*.yaml), so commands that write stack files can be tested.
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { PROJECT_ROOT } from "../../stacks/fleet";

// Registered on the importing test file: its scratch fleets are removed when it ends.
const made: string[] = [];
afterAll(() => made.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

export function scratchFleet(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sqlfleet-fleet-"));
  made.push(dir);
  for (const f of readdirSync(PROJECT_ROOT)) if (/^Pulumi\..*yaml$/.test(f)) copyFileSync(path.join(PROJECT_ROOT, f), path.join(dir, f));
  return dir;
}
