// Bad configuration fails with the stack, the key, the value and the allowed range or set.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../stacks/config/errors";
import { customerAgainstPoolsProblems, parseCustomerConfig } from "../../stacks/config/customer";
import { parseEnvironmentConfig } from "../../stacks/config/environment";
import { rawFromConfigMap, readConfigMapFixture, stackKind } from "./support";
import { environmentPools } from "../../stacks/plan/decisions";

const prodRaw = () => rawFromConfigMap(readConfigMapFixture("prod"));
const fortisRaw = () => rawFromConfigMap(readConfigMapFixture("prod-fortis"));

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("environment config validation", () => {
  it("an unknown region names the key, the value and the allowed set", () => {
    const e = configError(() => parseEnvironmentConfig("prod", { ...prodRaw(), region: "moon-north" }));
    expect(e.keys).toEqual(["sqlfleet:region"]);
    expect(e.message).toMatch(/stack prod: invalid configuration\n {2}sqlfleet:region = "moon-north": allowed: .*eastus2.*westeurope/);
  });

  it("a failover partner that is not the paired region is refused", () => {
    const e = configError(() => parseEnvironmentConfig("prod", { ...prodRaw(), secondaryRegion: "westus" }));
    expect(e.problems).toEqual([{ key: "sqlfleet:secondaryRegion", value: "westus", allowed: expect.stringContaining("paired region: centralus") }]);
  });

  it("a pool size Azure does not offer names the pool's index and the sizes on offer", () => {
    const raw = prodRaw();
    (raw.pools as { vCores: number }[])[2].vCores = 30;
    const e = configError(() => parseEnvironmentConfig("prod", raw));
    expect(e.problems[0]).toMatchObject({ key: "sqlfleet:pools[2].vCores", value: 30 });
    expect(e.problems[0].allowed).toMatch(/BusinessCritical pools come in 4, 6, .*24, 32/);
  });

  it("a grace period under an hour and an unknown key are both reported", () => {
    const e = configError(() => parseEnvironmentConfig("prod", { ...prodRaw(), failoverGracePeriodMinutes: "30", regoin: "x" }));
    expect(e.keys.sort()).toEqual(["sqlfleet:failoverGracePeriodMinutes", "sqlfleet:regoin"]);
    expect(e.problems.find((p) => p.key === "sqlfleet:failoverGracePeriodMinutes")!.allowed).toMatch(/allowed minimum 60/);
  });

  it("coerces the engine's string scalars", () => {
    const cfg = parseEnvironmentConfig("prod", { ...prodRaw(), logRetentionDays: "120", deprovision: "true" });
    expect(cfg.logRetentionDays).toBe(120);
    expect(cfg.deprovision).toBe(true);
  });
});

describe("customer config validation", () => {
  it("a 150 TB database exceeds the Hyperscale bound: the key, the value and the maximum", () => {
    const raw = fortisRaw();
    (raw.fhir as { sizeGb: number }).sizeGb = 150 * 1024;
    const e = configError(() => parseCustomerConfig("prod-fortis", "fortis", raw));
    expect(e.problems[0]).toMatchObject({ key: "sqlfleet:fhir.sizeGb", value: 153600 });
    expect(e.problems[0].allowed).toMatch(/allowed maximum 102400/);
  });

  it("a pooled database above its pool's maximum names the key and the pool's range", () => {
    const cfg = parseCustomerConfig("prod-fortis", "fortis", fortisRaw());
    const pools = environmentPools(parseEnvironmentConfig("prod", { ...prodRaw(), pools: [{ name: "gp-01", edition: "GeneralPurpose", vCores: 8 }, { name: "gp-02", edition: "GeneralPurpose", vCores: 8 }] }));
    const problems = customerAgainstPoolsProblems(cfg, pools);
    expect(problems).toEqual([
      { key: "sqlfleet:dicom.placement.maxSizeGb", value: 2944, allowed: expect.stringMatching(/allowed range 1..2048 GB in pool gp-02 \(GeneralPurpose 8 vCores\)/) },
    ]);
  });

  it("a pool the environment does not have lists the pools it does", () => {
    const raw = fortisRaw();
    (raw.fhir as { placement: { pool: string } }).placement.pool = "gp-09";
    const cfg = parseCustomerConfig("prod-fortis", "fortis", raw);
    expect(customerAgainstPoolsProblems(cfg, environmentPools(parseEnvironmentConfig("prod", prodRaw())))[0]).toMatchObject({
      key: "sqlfleet:fhir.placement.pool",
      allowed: "allowed: gp-01, gp-02, bc-01 (the environment's pools)",
    });
  });

  it("the customer key must match the stack name, and a Hyperscale vCore count must exist", () => {
    const raw = { ...fortisRaw(), customer: "other", fhir: { sizeGb: 5000, placement: { tier: "hyperscale", vCores: 7 } } };
    const e = configError(() => parseCustomerConfig("prod-fortis", "fortis", raw));
    expect(e.keys).toEqual(["sqlfleet:customer", "sqlfleet:fhir.placement.vCores"]);
  });

  it("an unknown placement tier lists the tiers", () => {
    const raw = { ...fortisRaw(), fhir: { sizeGb: 10, placement: { tier: "cosmos" } } };
    const e = configError(() => parseCustomerConfig("prod-fortis", "fortis", raw));
    expect(e.problems[0]).toMatchObject({ key: "sqlfleet:fhir.placement.tier", allowed: "allowed: pool, hyperscale" });
  });
});

describe("stack names", () => {
  it("dispatch environments and customers", () => {
    expect(stackKind("prod")).toEqual({ kind: "environment", env: "prod" });
    expect(stackKind("prod-north-well")).toEqual({ kind: "customer", env: "prod", customer: "north-well" });
    expect(() => stackKind("Prod_X")).toThrow(/neither an environment/);
  });
});
