// Every committed Pulumi.<stack>.yaml against the Pulumi.yaml schema (declared scalar types) and our zod schemas:
// the Pulumi CLI is not here to enforce the project schema, so this test does.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { stackKind } from "../../stacks/config/shared";
import { PROJECT_ROOT, listStacks, loadCustomerConfig, loadEnvironmentConfig, loadFleet } from "../../stacks/fleet";
import { customerAgainstPoolsProblems } from "../../stacks/config/customer";
import { environmentPools } from "../../stacks/plan/decisions";

const project = YAML.parse(readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as { name: string; main: string; config: Record<string, { type: string; default?: unknown }> };
const stacks = listStacks();

function typeOk(type: string, v: unknown): boolean {
  if (type === "string") return typeof v === "string";
  if (type === "integer") return Number.isInteger(v);
  if (type === "boolean") return typeof v === "boolean";
  if (type === "array") return Array.isArray(v);
  return false;
}

describe("committed stack files", () => {
  it("are the example fleet: dev, prod and at least five customers drawn from seed 003", () => {
    expect(stacks.slice(0, 2)).toEqual(["dev", "prod"]);
    expect(stacks.filter((s) => s.startsWith("prod-")).length).toBeGreaterThanOrEqual(5);
    expect(stacks).toEqual(expect.arrayContaining(["prod-cigna", "prod-northwell", "prod-apollo", "prod-citiustech"]));
  });

  it("declare only scalar schema types with defaults Pulumi accepts, and the entry point exists", () => {
    expect(project.name).toBe("sqlfleet");
    expect(project.main).toBe("stacks/index.ts");
    for (const [key, decl] of Object.entries(project.config)) {
      expect(["string", "integer", "boolean", "array"], key).toContain(decl.type);
      // Declared keys without a default would be required in every stack, environment and customer alike.
      expect(decl.default, `${key} needs a default`).toBeDefined();
      expect(typeOk(decl.type, decl.default), `${key} default type`).toBe(true);
    }
  });

  for (const stack of stacks) {
    it(`${stack}: every sqlfleet key has the declared type and the config validates`, () => {
      const doc = YAML.parse(readFileSync(path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
      for (const [k, v] of Object.entries(doc.config)) {
        expect(k.startsWith("sqlfleet:"), `${k}: only project keys (providers are configured in code)`).toBe(true);
        const decl = project.config[k.slice("sqlfleet:".length)];
        if (decl) expect(typeOk(decl.type, v), `${stack} ${k} must be ${decl.type}`).toBe(true);
      }
      const kind = stackKind(stack);
      if (kind.kind === "environment") {
        const cfg = loadEnvironmentConfig(stack);
        expect(cfg.pools.length).toBeGreaterThan(0);
      } else {
        const cfg = loadCustomerConfig(stack);
        expect(cfg.customer).toBe(kind.customer);
        expect(customerAgainstPoolsProblems(cfg, environmentPools(loadEnvironmentConfig(kind.env)))).toEqual([]);
      }
    });
  }

  it("prod pairs its region with the paired secondary and the fleet spans pools and Hyperscale, FHIR and DICOM", () => {
    const prod = loadEnvironmentConfig("prod");
    expect([prod.region, prod.secondaryRegion]).toEqual(["eastus2", "centralus"]);
    const { members, invalid } = loadFleet("prod");
    expect(invalid).toEqual([]);
    const tiers = members.flatMap((m) => [m.cfg.fhir, m.cfg.dicom].filter((d) => d !== undefined).map((d) => d!.placement.tier));
    expect(new Set(tiers)).toEqual(new Set(["pool", "hyperscale"]));
    const sizes = members.flatMap((m) => [m.cfg.fhir?.sizeGb, m.cfg.dicom?.sizeGb].filter((x): x is number => x !== undefined));
    expect(Math.min(...sizes)).toBeLessThan(1024);
    expect(Math.max(...sizes)).toBeGreaterThan(40 * 1024);
    expect(members.some((m) => m.cfg.dicom)).toBe(true);
  });
});
