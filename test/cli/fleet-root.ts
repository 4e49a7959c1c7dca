// A scratch copy of the committed fleet (Pulumi.*.yaml), so commands that write stack files can be tested.
import { copyFileSync, mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../../stacks/fleet";

export function scratchFleet(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sqlfleet-fleet-"));
  for (const f of readdirSync(PROJECT_ROOT)) if (/^Pulumi\..*yaml$/.test(f)) copyFileSync(path.join(PROJECT_ROOT, f), path.join(dir, f));
  return dir;
}
