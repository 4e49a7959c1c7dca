// Every committed customer stack plans as one Workspace; the URNs its resources had before the Workspace
// (test/fixtures/pre-workspace, recorded with `sqlfleet plan --json` at commit 4b2b621) are all covered by aliases.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runPlan } from "../../stacks/plan/run";

const STACKS = ["dev-contoso", "prod-apollo", "prod-cigna", "prod-citiustech", "prod-fortis", "prod-maxhealthcare", "prod-northwell"];

describe("customer stacks as a Workspace", () => {
  for (const stack of STACKS) {
    it(`${stack}: every pre-Workspace URN maps to a resource of the same type (its URN or an alias)`, async () => {
      const old = JSON.parse(readFileSync(path.join(__dirname, "../fixtures/pre-workspace", `${stack}.json`), "utf8")) as [string, string][];
      const report = await runPlan(stack, { skipPolicies: true });
      const ws = report.resources.filter((r) => r.type === "sqlfleet:workspace:Workspace");
      expect(ws).toHaveLength(1);
      const byUrn = new Map<string, string>();
      for (const r of report.resources) for (const u of [r.urn, ...(r.aliases ?? [])]) byUrn.set(u, r.type);
      const unmapped = old.filter(([urn, type]) => byUrn.get(urn) !== type).map(([urn]) => urn);
      expect(unmapped).toEqual([]);
      // The databases really sit under the workspace now.
      for (const db of report.resources.filter((r) => r.type === "sqlfleet:sql:SqlDatabase")) expect(db.parent).toBe(ws[0].urn);
    });
  }
});
