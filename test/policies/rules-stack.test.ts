// Stack policies: one relation of the compliant fleet broken at a time. Plus the mutation-style guarantee: every
// policy of the pack has a failing case at its declared level, so deleting any rule's check fails a test.
import { describe, expect, it } from "vitest";
import { RULES } from "../../policies/catalog";
import { FAILING } from "./cases";
import { runCases } from "./run-cases";

describe("failing-case coverage", () => {
  it.each(RULES.map((r) => [r.id, r] as const))("%s has a failing case at its declared level", (_id, rule) => {
    const cases = FAILING.filter((c) => c.policy === rule.id);
    expect(cases.length).toBeGreaterThan(0);
    expect(cases.map((c) => c.level)).toContain(rule.level);
  });
  it("names no policy the pack does not have", () => {
    const ids = new Set(RULES.map((r) => r.id));
    for (const c of FAILING) for (const id of [c.policy, ...Object.keys(c.also ?? {})]) expect(ids.has(id), id).toBe(true);
  });
});

runCases(
  "stack policies flag one broken relation at a time",
  FAILING.filter((c) => c.policy.startsWith("sqlfleet-stack-")),
);
