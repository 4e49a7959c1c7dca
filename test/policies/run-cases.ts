// Runs failing cases against the runner: each must trip exactly its expected policies at the expected levels.
import { describe, expect, it } from "vitest";
import { evaluatePolicies, type PolicyDiagnostic } from "../../policies/runner";
import type { FailingCase } from "./cases";
import { recordFleet } from "./fleet-fixture";

/** policy id → its levels ("advisory", "mandatory", or "advisory+mandatory"). */
export function levelsById(diags: PolicyDiagnostic[]): Record<string, string> {
  const m = new Map<string, Set<string>>();
  for (const d of diags) m.set(d.policyId, (m.get(d.policyId) ?? new Set()).add(d.enforcementLevel));
  return Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort().join("+")]));
}

export function runCases(title: string, cases: FailingCase[]): void {
  describe(title, () => {
    it.each(cases.map((c) => [`${c.policy}: ${c.why}`, c] as const))("%s", async (_t, c) => {
      const diags = await evaluatePolicies(await recordFleet(c.variant));
      expect(levelsById(diags)).toEqual({ [c.policy]: c.level, ...(c.also ?? {}) });
      for (const d of diags) {
        expect(d.urn).toMatch(/^urn:pulumi:prod::sqlfleet::/);
        expect(d.message.length).toBeGreaterThan(10);
      }
    });
  });
}
