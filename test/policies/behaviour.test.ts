// Config, production scoping, preview (unknown values) and metadata of the pack, through the real runner.
import * as sql from "@pulumi/azure-native/sql";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildPolicies, listPolicies } from "../../policies/build";
import { PolicyConfigError } from "../../policies/config";
import { evaluatePolicies, hasMandatory } from "../../policies/runner";
import { policyTableMarkdown } from "../../policies/table";
import { firewallRangeProblem, isoDurationDays } from "../../policies/values";
import { recordProgram } from "../../offline/recorder";
import { unknownInput } from "./cases";
import { recordFleet } from "./fleet-fixture";
import { levelsById } from "./run-cases";

describe("config", () => {
  it("residency stacks allow zone/local backups and then reject geo", async () => {
    const local = await recordFleet({ set: { db: { requestedBackupStorageRedundancy: "Local" }, dbCmk: { requestedBackupStorageRedundancy: "Zone" } } });
    const residency = { "sqlfleet-sql-db-backup-redundancy": { allowedBackupRedundancy: ["Zone", "Local"] } };
    expect(await evaluatePolicies(local, { config: residency })).toEqual([]);
    const geo = await recordFleet();
    const diags = await evaluatePolicies(geo, { config: residency });
    expect(levelsById(diags)).toEqual({ "sqlfleet-sql-db-backup-redundancy": "mandatory" });
    expect(diags.map((d) => d.message)).toEqual([expect.stringContaining(`requestedBackupStorageRedundancy is "GeoZone"; allowed: Zone, Local`), expect.stringContaining(`requestedBackupStorageRedundancy is "GeoZone"; allowed: Zone, Local`)]);
  });

  it("applies levels from config: per policy, and `all`", async () => {
    const rec = await recordFleet({ set: { "primary.server": { minimalTlsVersion: "1.1" } } });
    expect(levelsById(await evaluatePolicies(rec, { config: { "sqlfleet-sql-server-min-tls": "advisory" } }))).toEqual({ "sqlfleet-sql-server-min-tls": "advisory" });
    expect(await evaluatePolicies(rec, { config: { "sqlfleet-sql-server-min-tls": { enforcementLevel: "disabled" } } })).toEqual([]);
    expect(levelsById(await evaluatePolicies(rec, { config: { all: "advisory" } }))).toEqual({ "sqlfleet-sql-server-min-tls": "advisory" });
  });

  it("takes settings: key sizes, firewall prefix, TLS versions", async () => {
    const rec = await recordFleet({ set: { key: { properties: { keySize: 4096 } }, "primary.firewall": { startIpAddress: "10.20.0.0", endIpAddress: "10.20.3.255" } } });
    expect(levelsById(await evaluatePolicies(rec))).toEqual({ "sqlfleet-kv-key-strength": "mandatory", "sqlfleet-sql-firewall-no-open-range": "mandatory" });
    const relaxed = { "sqlfleet-kv-key-strength": { allowedKeySizes: [3072, 4096] }, "sqlfleet-sql-firewall-no-open-range": { maxPrefix: 22 } };
    expect(await evaluatePolicies(rec, { config: relaxed })).toEqual([]);
  });

  it.each([
    [{ "sqlfleet-nope": "mandatory" }, ['unknown policy "sqlfleet-nope"', "sqlfleet-sql-server-min-tls"]],
    [{ "sqlfleet-sql-db-backup-redundancy": { allowedBackupRedundancy: ["Geo", "Cloud"] } }, ["sqlfleet-sql-db-backup-redundancy.allowedBackupRedundancy", '["Geo","Cloud"]', '"GeoZone", "Geo", "Zone", "Local"']],
    [{ "sqlfleet-sql-firewall-no-open-range": { maxPrefix: 40 } }, ["sqlfleet-sql-firewall-no-open-range.maxPrefix = 40", "an integer in [0, 32]"]],
    [{ "sqlfleet-kv-rbac": { color: "red" } }, ["sqlfleet-kv-rbac.color is not a setting", "productionEnvironments"]],
    [{ "sqlfleet-kv-rbac": "strict" }, ['sqlfleet-kv-rbac = "strict"', "advisory, mandatory, remediate, disabled"]],
    [{ all: { production: "yes" } }, ['all.production = "yes"', "true or false"]],
  ])("rejects bad config %j naming policy, setting, value and what is allowed", (config, fragments) => {
    let error: unknown;
    try {
      buildPolicies(config as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyConfigError);
    for (const f of fragments) expect((error as Error).message).toContain(f);
  });
});

describe("production scoping", () => {
  it("a dev stack skips prod-only rules and accepts a software RSA-3072 key", async () => {
    const variant = { set: { fog: { databases: [] }, pool: { zoneRedundant: false }, key: { properties: { kty: "RSA" } }, "pg.server": { authConfig: { passwordAuth: "Enabled" } } } };
    expect(await evaluatePolicies(await recordFleet({ ...variant, stack: "dev" }))).toEqual([]);
    expect(levelsById(await evaluatePolicies(await recordFleet({ ...variant, stack: "prod" })))).toEqual({
      "sqlfleet-stack-prod-db-in-failover-group": "mandatory",
      "sqlfleet-sql-zone-redundancy": "advisory",
      "sqlfleet-kv-key-strength": "mandatory",
      "sqlfleet-pg-entra-auth": "mandatory",
    });
  });

  it("config or the runner option overrides the stack name", async () => {
    const rec = await recordFleet({ stack: "dev", set: { fog: { databases: [] } } });
    expect(levelsById(await evaluatePolicies(rec, { production: true }))).toEqual({ "sqlfleet-stack-prod-db-in-failover-group": "mandatory" });
    expect(levelsById(await evaluatePolicies(rec, { config: { all: { production: true } } }))).toEqual({ "sqlfleet-stack-prod-db-in-failover-group": "mandatory" });
    const customer = await recordFleet({ stack: "staging-contoso", set: { fog: { databases: [] } } });
    expect(await evaluatePolicies(customer)).toEqual([]);
    expect(levelsById(await evaluatePolicies(customer, { config: { all: { productionEnvironments: ["prod", "staging"] } } }))).toEqual({ "sqlfleet-stack-prod-db-in-failover-group": "mandatory" });
  });
});

describe("preview", () => {
  it("a resource value unknown during preview gives an advisory, never a mandatory verdict", async () => {
    const { recording } = await recordProgram(
      () => {
        new sql.Server("s", { resourceGroupName: "rg", minimalTlsVersion: unknownInput<string>(), publicNetworkAccess: "Disabled" });
      },
      { stack: "prod", preview: true },
    );
    const tls = (await evaluatePolicies(recording, { preview: true })).filter((d) => d.policyId === "sqlfleet-sql-server-min-tls");
    expect(tls).toHaveLength(1);
    expect(tls[0].enforcementLevel).toBe("advisory");
    expect(tls[0].message).toBe("cannot check during preview: string value at .minimalTlsVersion can't be known during preview");
    expect(tls[0].urn).toBe(recording.one("s").urn);
  });

  it("a stack link that needs a computed id reports 'cannot check during preview' for that resource only", async () => {
    const recording = await recordFleet({ preview: true, omit: ["dbDiag"] });
    const diags = (await evaluatePolicies(recording, { preview: true })).filter((d) => d.policyId === "sqlfleet-stack-diagnostics-coverage");
    expect(diags).toHaveLength(1);
    expect(diags[0]).toMatchObject({ enforcementLevel: "advisory", urn: recording.one("db").urn });
    expect(diags[0].message).toMatch(/^cannot check during preview: diagnostic setting of Database "db"/);
    // After the update the id is known and the same gap is a mandatory violation.
    expect(hasMandatory(await evaluatePolicies(await recordFleet({ omit: ["dbDiag"] })))).toBe(true);
  });

  it("a first preview of the compliant fleet: links still hold, values from other resources give advisories only", async () => {
    const diags = await evaluatePolicies(await recordFleet({ preview: true }), { preview: true });
    expect(diags.length).toBeGreaterThan(0);
    for (const d of diags) {
      expect(d.enforcementLevel).toBe("advisory");
      expect(d.message).toMatch(/during preview/);
    }
    // Stack rules that only need links (coverage, auditing, identity, failover groups) decide during preview too.
    const ids = new Set(diags.map((d) => d.policyId));
    for (const id of ["sqlfleet-stack-diagnostics-coverage", "sqlfleet-stack-sql-server-auditing", "sqlfleet-stack-identity-coverage", "sqlfleet-stack-prod-db-in-failover-group"]) expect(ids.has(id), id).toBe(false);
    // ... and a broken link is still a mandatory finding in preview.
    const broken = await evaluatePolicies(await recordFleet({ preview: true, set: { fog: { databases: [] } } }), { preview: true });
    expect(broken.filter((d) => d.enforcementLevel === "mandatory").map((d) => d.policyId)).toEqual(["sqlfleet-stack-prod-db-in-failover-group", "sqlfleet-stack-prod-db-in-failover-group"]);
  });
});

describe("metadata", () => {
  const infos = listPolicies();
  it("has 37 benchmark policies (two from issue 11, one from issue 14) plus the two optional ones, uniquely named", () => {
    expect(infos).toHaveLength(39);
    expect(new Set(infos.map((p) => p.id)).size).toBe(39);
    expect(infos.filter((p) => p.kind === "stack")).toHaveLength(10);
  });
  it.each(infos.map((p) => [p.id, p] as const))("%s has valid metadata", (id, p) => {
    expect(id).toMatch(/^sqlfleet-[a-z0-9-]+$/);
    expect(id.length).toBeLessThanOrEqual(100);
    expect(id).not.toBe("all");
    expect(p.description).toMatch(/^[A-Z].*[.!?]$/);
    expect(["low", "medium", "high", "critical"]).toContain(p.severity);
    expect(["mandatory", "advisory", "disabled"]).toContain(p.enforcementLevel);
    expect(p.framework.reference.length).toBeGreaterThan(0);
    expect(p.remediation.length).toBeGreaterThan(20);
    expect(Object.keys(p.config)).not.toContain("enforcementLevel");
    const anchors = Object.values(p.anchors).flat();
    expect(anchors.length).toBeGreaterThan(0);
    // Defaults of every setting validate against the schema itself.
    const defaults = Object.fromEntries(Object.entries(p.config).filter(([, s]) => s.default !== undefined).map(([k, s]) => [k, s.default]));
    expect(() => buildPolicies({ [id]: defaults })).not.toThrow();
  });
  it("policies/README.md carries the generated policy table", () => {
    expect(readFileSync(`${__dirname}/../../policies/README.md`, "utf8")).toContain(policyTableMarkdown());
  });
});

describe("value helpers", () => {
  it.each([
    ["10.0.0.0", "10.0.0.255", 24, undefined],
    ["10.0.0.0", "10.0.1.0", 24, "spans 257 addresses, wider than a /24 (256)"],
    ["0.0.0.0", "255.255.255.255", 0, "whole internet"],
    ["0.0.0.0", "0.0.0.0", 24, "Allow Azure services"],
    ["10.0.0.9", "10.0.0.1", 24, "starts after it ends"],
    ["10.0.0.256", "10.0.1.0", 24, "not a pair of IPv4 addresses"],
  ])("firewall %s–%s /%i", (s, e, prefix, problem) => {
    const got = firewallRangeProblem(s, e, prefix as number, false);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(problem);
  });
  it("reads ISO-8601 durations", () => {
    expect(isoDurationDays("P1Y")).toBe(365);
    expect(isoDurationDays("P12W")).toBe(84);
    expect(isoDurationDays("P1Y6M")).toBe(545);
    expect(isoDurationDays("PT0S")).toBe(0);
    expect(isoDurationDays("P")).toBeUndefined();
    expect(isoDurationDays("12 weeks")).toBeUndefined();
  });
});
