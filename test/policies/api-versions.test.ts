// Rules match the kind of resource, not one token: the compliant fleet and one failing case per policy, re-registered
// under API-versioned tokens (the oldest and the newest version the installed azure-native knows, and a synthetic
// future one), give exactly the verdicts of the default tokens — resource rules and stack (relation) rules alike.
import { describe, expect, it } from "vitest";
import { RULES } from "../../policies/catalog";
import { evaluatePolicies } from "../../policies/runner";
import { FAILING } from "./cases";
import { recordFleet } from "./fleet-fixture";
import { levelsById } from "./run-cases";
import { FUTURE_VERSION, installedVersions, pickFuture, pickNewest, pickOldest, retype, type Pick } from "./versioned-tokens";

const PICKS: [string, Pick][] = [
  ["oldest installed API version", pickOldest],
  ["newest installed API version", pickNewest],
  [`synthetic future version ${FUTURE_VERSION}`, pickFuture],
];

// One failing case per policy at its declared level keeps the run affordable; the full set runs on default tokens.
const ONE_PER_POLICY = RULES.map((r) => FAILING.find((c) => c.policy === r.id && c.level === r.level) ?? FAILING.find((c) => c.policy === r.id)).filter((c) => c !== undefined);

describe("API-versioned tokens", () => {
  it("the installed SDK has at least two versioned tokens for every resource type a resource rule names", () => {
    for (const rule of RULES) {
      if (rule.kind !== "resource") continue;
      for (const t of rule.types) {
        const token = (t as unknown as { __pulumiType: string }).__pulumiType;
        expect(installedVersions(token).length, token).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it("the compliant fleet stays clean under every versioning", async () => {
    const base = await recordFleet();
    for (const [what, pick] of PICKS) {
      const { recording, tokens } = retype(base, pick);
      // The retyping really happened: every azure-native resource carries a versioned token.
      for (const [from, to] of tokens) if (from.startsWith("azure-native:")) expect(to, `${what}: ${from}`).toMatch(/^azure-native:[^:/]+\/v[0-9a-z]+:/);
      expect(await evaluatePolicies(recording), what).toEqual([]);
    }
  });

  it.each(ONE_PER_POLICY.map((c) => [`${c.policy}: ${c.why}`, c] as const))("%s: same verdict under versioned tokens", async (_t, c) => {
    const base = await recordFleet(c.variant);
    const expected = { [c.policy]: c.level, ...(c.also ?? {}) };
    expect(levelsById(await evaluatePolicies(base))).toEqual(expected);
    for (const [what, pick] of PICKS) {
      const { recording } = retype(base, pick);
      const diags = await evaluatePolicies(recording);
      expect(levelsById(diags), what).toEqual(expected);
      // Findings point at the versioned resources, not at a stale default-token URN.
      for (const d of diags) if (d.urn) expect(recording.get(d.urn), `${what}: ${d.urn}`).toBeDefined();
    }
  });
});
