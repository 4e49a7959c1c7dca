// SQL resource policies: the compliant fleet passes every policy; each failing case trips exactly its policy.
// (Key Vault, PostgreSQL and monitoring cases are in rules-keyvault-pg.test.ts, so two workers share the load.)
import { describe, expect, it } from "vitest";
import { RULES } from "../../policies/catalog";
import { tokenOf } from "../../policies/rule";
import { evaluatePolicies } from "../../policies/runner";
import { FAILING } from "./cases";
import { recordFleet } from "./fleet-fixture";
import { runCases } from "./run-cases";

describe("compliant fleet", () => {
  it("passes every policy without a single diagnostic", async () => {
    const recording = await recordFleet();
    expect(await evaluatePolicies(recording)).toEqual([]);
    // The pass means something only if every resource policy had a resource to look at.
    const types = new Set(recording.resources.map((r) => r.type));
    for (const rule of RULES) {
      if (rule.kind !== "resource") continue;
      expect(rule.types.some((t) => types.has(tokenOf(t))), `${rule.id} has a resource in the compliant fleet`).toBe(true);
    }
  });
});

runCases(
  "SQL resource policies flag their failing fixtures",
  FAILING.filter((c) => c.policy.startsWith("sqlfleet-sql-")),
);
