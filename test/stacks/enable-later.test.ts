// Seed 003 "enabling later": CMK (server and per database), zone redundancy and a failover partner switched on after
// deployment. The head plans are the real stack programs under Pulumi mocks; the baselines are either the same
// programs with the feature off (a config variant) or, where sqlfleet never deploys without it (server CMK), the
// recorded plan with the feature's inputs taken out, as a `pulumi stack export` of such a server would show them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SqlDatabase, ElasticPool, type ServerRef } from "../../components";
import { ConfigError } from "../../stacks/config/errors";
import { parseEnvironmentConfig } from "../../stacks/config/environment";
import { rawFromConfigMap } from "../../stacks/config/shared";
import { readConfigMap, stackFilePath } from "../../stacks/fleet";
import { Fleet } from "../../stacks/fleet-model";
import type { ResourceChange } from "../../stacks/plan/diff";
import { runPlan, type PlanReport } from "../../stacks/plan/run";
import type { PlanResource } from "../../stacks/plan/snapshot";
import { planNotices } from "../../stacks/notices/commands";
import { expectValidationError } from "../support/recorder";
import { runCli } from "../cli/run-cli";

const tmp = mkdtempSync(path.join(os.tmpdir(), "sqlfleet-later-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function variant(stack: string, name: string, edit: (yaml: string) => string): string {
  const src = readFileSync(stackFilePath(stack), "utf8");
  const out = edit(src);
  if (out === src) throw new Error(`variant ${name}: the edit changed nothing`);
  const file = path.join(tmp, `${name}.yaml`);
  writeFileSync(file, out);
  return file;
}

function baselineFile(name: string, resources: PlanResource[]): string {
  const file = path.join(tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify({ resources }));
  return file;
}

const plan = (stack: string, opts: Parameters<typeof runPlan>[1] = {}) => runPlan(stack, { skipPolicies: true, ...opts });
const later = (diff: ResourceChange[] | undefined, feature: string) => (diff ?? []).filter((c) => (c.later ?? []).some((l) => l.feature === feature));

describe("enabling later: zone redundancy", () => {
  it("a General Purpose pool switched to zone-redundant is online with a brief reconnect, on both servers, with the warning", async () => {
    const off = variant("prod", "prod-gp01-no-zr", (y) => y.replace("    - name: gp-01\n      edition: GeneralPurpose\n      vCores: 32\n", "    - name: gp-01\n      edition: GeneralPurpose\n      vCores: 32\n      zoneRedundant: false\n"));
    const base = await plan("prod", { configFile: off });
    const report = await plan("prod", { against: baselineFile("prod-gp01-no-zr", base.resources) });
    const pools = later(report.diff, "zone-redundancy");
    expect(pools.map((c) => c.azureName)).toEqual(["gp-01", "gp-01"]); // primary and secondary server
    for (const c of pools) {
      expect(c.type).toBe("azure-native:sql:ElasticPool");
      expect(c.classification).toBe("online");
      expect(c.dataLoss).toBe(false);
      expect(c.later![0]).toMatchObject({ behaviour: "brief-reconnect", source: expect.stringContaining("enable-zone-redundancy") });
      expect(c.later![0].warning).toMatch(/zone redundancy switched on for GeneralPurpose pool gp-01 after deployment: an online operation with a brief disconnect/);
      expect(c.later![0].warning).toMatch(/every database in the pool becomes zone-redundant/);
    }
    expect(report.warnings.some((w) => /^brief-reconnect: zone redundancy switched on for GeneralPurpose pool gp-01/.test(w))).toBe(true);
    // The other pools did not change.
    expect(report.diff!.find((c) => c.azureName === "gp-02")).toBeUndefined();
    // An environment's pool change reaches the customers with a database in that pool, once per database.
    const written = planNotices({ notices: path.join(tmp, "notices-zr"), against: "prod-gp01-no-zr.json" }, report, new Fleet(), new Date("2026-12-03T12:00:00Z"))!;
    expect(written.notices.map((n) => n.customer.stack)).toEqual(["prod-fortis", "prod-maxhealthcare"]);
    const mh = written.notices.find((n) => n.customer.stack === "prod-maxhealthcare")!;
    expect(mh.changes.map((c) => c.database)).toEqual(["maxhealthcare-fhir", "maxhealthcare-dicom"]);
    expect(mh.severity).toBe("reconnect");
    expect(mh.changes[0].what).toMatch(/^sql:ElasticPool gp-01: zoneRedundant change \(maxhealthcare-fhir is in pool gp-01\)$/);
    expect(mh.changes[0].warnings[0]).toMatch(/zone redundancy switched on for GeneralPurpose pool gp-01/);
  }, 120_000);

  it("a Hyperscale database switched to zone-redundant is a replacement (fixed at creation), with the redeploy steps", async () => {
    const base = await plan("prod-cigna");
    const edited = base.resources.map((r) => (r.type === "azure-native:sql:Database" ? { ...r, inputs: { ...r.inputs, zoneRedundant: false } } : r));
    const report = await plan("prod-cigna", { against: baselineFile("cigna-no-zr", edited) });
    const [db] = later(report.diff, "zone-redundancy");
    expect(db.azureName).toBe("cigna-fhir");
    expect(db.classification).toBe("replacement");
    expect(db.later![0].behaviour).toBe("replacement");
    expect(db.later![0].warning).toMatch(/Hyperscale cigna-fhir after deployment: fixed at creation: a zone-redundant copy is made by database copy, point-in-time restore or a geo-replica/);
    expect(db.reasons.join(" ")).toMatch(/Hyperscale zone redundancy false → true is fixed at creation/);
  }, 120_000);

  it("refuses a zone-redundant pool in a region without availability zones, naming the region and the tier (config, exit 2)", () => {
    const raw: Record<string, unknown> = { ...rawFromConfigMap(readConfigMap(stackFilePath("prod"))), region: "northcentralus", secondaryRegion: "southcentralus" };
    let e: unknown;
    try {
      parseEnvironmentConfig("prod", raw);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(ConfigError);
    const problems = (e as ConfigError).problems;
    expect(problems.map((p) => p.key)).toEqual(["sqlfleet:pools[0].zoneRedundant", "sqlfleet:pools[1].zoneRedundant", "sqlfleet:pools[2].zoneRedundant"]);
    expect(problems[0].allowed).toMatch(/^region northcentralus: zone-redundant GeneralPurpose is not available in northcentralus: the region has no availability zones/);
    expect(problems[2].allowed).toMatch(/zone-redundant BusinessCritical is not available in northcentralus/);
    // Turning zone redundancy off is the way out.
    const pools = (raw.pools as Record<string, unknown>[]).map((p) => ({ ...p, zoneRedundant: false }));
    expect(parseEnvironmentConfig("prod", { ...raw, pools }).region).toBe("northcentralus");
  });

  it("names the secondary region when only the failover partner lacks availability zones", () => {
    const raw = { ...rawFromConfigMap(readConfigMap(stackFilePath("prod"))), region: "westus2", secondaryRegion: "westcentralus" };
    let e: unknown;
    try {
      parseEnvironmentConfig("prod", raw);
    } catch (x) {
      e = x;
    }
    expect((e as ConfigError).problems[0]).toMatchObject({ key: "sqlfleet:pools[0].zoneRedundant", allowed: expect.stringMatching(/^secondaryRegion westcentralus: zone-redundant GeneralPurpose is not available in westcentralus/) });
  });

  it("sqlfleet plan exits 2 on such an environment, naming region and tier", async () => {
    const file = variant("prod", "prod-ncus", (y) => y.replace("sqlfleet:region: eastus2", "sqlfleet:region: northcentralus").replace("sqlfleet:secondaryRegion: centralus", "sqlfleet:secondaryRegion: southcentralus"));
    const r = await runCli("plan", "prod", "--config", file, "--no-policies");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/sqlfleet:pools\[0\]\.zoneRedundant = true: region northcentralus: zone-redundant GeneralPurpose is not available in northcentralus/);
  });

  it("the components refuse it too, before registering anything", async () => {
    const server: ServerRef = { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-wus", name: "sql-wus", resourceGroupName: "rg", location: "westus" };
    await expectValidationError(() => new SqlDatabase("db", { server, databaseName: "x-fhir", placement: { kind: "hyperscale", vCores: 8 } }), ["zoneRedundant", "zone-redundant Hyperscale is not available in westus"]);
    await expectValidationError(() => new ElasticPool("pool", { server, poolName: "bc-01", edition: "BusinessCritical", vCores: 4 }), ["zoneRedundant", "zone-redundant BusinessCritical is not available in westus"]);
    // Explicitly not zone-redundant is fine there.
    await expectValidationError(() => new ElasticPool("pool", { server, poolName: "bc-01", edition: "BusinessCritical", vCores: 4, zoneRedundant: false, haReplicas: 9 }), ["haReplicas"]);
  });
});

describe("enabling later: customer-managed keys", () => {
  it("server-level CMK switched on is online (no downtime), and the failover partner must get the key first", async () => {
    const base = await plan("prod");
    // A server deployed with service-managed TDE: no key, no user-assigned identity, protector ServiceManaged.
    const edited = base.resources.map((r) => {
      if (r.type === "azure-native:sql:Server") {
        const { keyId: _k, primaryUserAssignedIdentityId: _p, identity: _i, ...inputs } = r.inputs;
        return { ...r, inputs };
      }
      if (r.type === "azure-native:sql:EncryptionProtector") return { ...r, inputs: { ...r.inputs, serverKeyType: "ServiceManaged", serverKeyName: "ServiceManaged" } };
      return r;
    });
    const report = await plan("prod", { against: baselineFile("prod-smk", edited) });
    const servers = later(report.diff, "cmk-server");
    expect(servers.map((c) => c.type).sort()).toEqual(["azure-native:sql:EncryptionProtector", "azure-native:sql:EncryptionProtector", "azure-native:sql:Server", "azure-native:sql:Server"]);
    for (const c of servers) {
      expect(c.classification).toBe("online");
      expect(c.dataLoss).toBe(false);
      expect(c.later![0]).toMatchObject({ behaviour: "online", source: expect.stringContaining("transparent-data-encryption-byok-overview") });
      expect(c.later![0].warning).toMatch(/customer-managed key switched on for server sql-sqlfprod-prod-(eastus2|centralus) after deployment: online, no downtime .*; the failover partner must hold the key first/);
      expect(c.later![0].steps).toEqual(expect.arrayContaining([expect.stringMatching(/Register the key on the secondary server first/)]));
    }
    // Server-wide: every customer of prod with a database gets a notice.
    const dir = path.join(tmp, "notices-smk");
    const written = planNotices({ notices: dir, window: "2026-12-12T22:00Z/PT2H", against: "prod-smk.json" }, report, new Fleet(), new Date("2026-12-03T12:00:00Z"))!;
    expect(written.notices.map((n) => n.customer.stack)).toEqual(["prod-apollo", "prod-cigna", "prod-citiustech", "prod-fortis", "prod-maxhealthcare", "prod-northwell"]);
    const cigna = written.notices.find((n) => n.customer.stack === "prod-cigna")!;
    expect(cigna.severity).toBe("none");
    expect(cigna.changes[0].warnings[0]).toMatch(/customer-managed key switched on for server/);
    expect(cigna.window).toEqual({ start: "2026-12-12T22:00:00.000Z", end: "2026-12-13T00:00:00.000Z", from: "flag" });
  }, 120_000);

  it("per-database CMK switched on is online, and in a failover group the geo-secondary gets the key first", async () => {
    const base = await plan("prod-northwell");
    const on = variant("prod-northwell", "northwell-db-cmk", (y) => y.replace("sqlfleet:displayName: Northwell Health\n", "sqlfleet:displayName: Northwell Health\n  sqlfleet:cmkScope: database\n"));
    const report = await plan("prod-northwell", { configFile: on, against: baselineFile("northwell-server-key", base.resources) });
    const dbs = later(report.diff, "cmk-database");
    expect(dbs.map((c) => c.azureName).sort()).toEqual(["northwell-dicom", "northwell-fhir"]);
    for (const c of dbs) {
      expect(c.classification).toBe("online");
      expect(c.changed).toEqual(expect.arrayContaining(["encryptionProtector", "identity"]));
      expect(c.later![0].warning).toMatch(/per-database customer-managed key switched on for northwell-(fhir|dicom) after deployment: online, takes seconds .*; its geo-secondary must get the key first/);
      expect(c.later![0].steps.at(-1)).toMatch(/Add the key to the geo-secondary of northwell-(fhir|dicom) first, then set it as the primary's encryption protector/);
    }
  }, 120_000);

  it("removing a per-database CMK is not supported in place: the warning says so and gives the restore path", async () => {
    const base = await plan("prod-cigna");
    const off = variant("prod-cigna", "cigna-server-key", (y) => y.replace("  sqlfleet:cmkScope: database\n", ""));
    const report = await plan("prod-cigna", { configFile: off, against: baselineFile("cigna-db-key", base.resources) });
    const [db] = later(report.diff, "cmk-database");
    expect(db.azureName).toBe("cigna-fhir");
    expect(db.later![0].behaviour).toBe("not-supported");
    expect(db.later![0].warning).toMatch(/not supported in place while the server uses a customer-managed key/);
    expect(db.steps[0]).toMatch(/Restore cigna-fhir to a point in time without an encryption protector/);
  }, 120_000);
});

describe("enabling later: a failover partner", () => {
  async function withPartner(customerConfig?: string): Promise<PlanReport> {
    const base = await plan("dev-contoso", customerConfig ? { configFile: customerConfig } : {});
    const devWithPartner = variant("dev", "dev-partner", (y) =>
      y.replace("sqlfleet:region: westeurope\n", "sqlfleet:region: westeurope\n  sqlfleet:secondaryRegion: northeurope\n").replace("    postgresSubnetCidr: 10.40.2.0/24\n", "    postgresSubnetCidr: 10.40.2.0/24\n    secondaryVnetCidr: 10.41.0.0/16\n    secondaryPrivateEndpointSubnetCidr: 10.41.1.0/24\n"),
    );
    const env = await plan("dev", { configFile: devWithPartner });
    expect(env.resources.filter((r) => r.type === "azure-native:sql:Server").map((r) => r.inputs.location)).toEqual(["westeurope", "northeurope"]);
    return plan("dev-contoso", { ...(customerConfig ? { configFile: customerConfig } : {}), environmentOutputs: env.outputs, against: baselineFile(`contoso-alone-${customerConfig ? "cmk" : "server"}`, base.resources) });
  }

  it("a database joining a new failover group is online; DR is there once the geo-secondary is seeded", async () => {
    const report = await withPartner();
    const dbs = later(report.diff, "failover-partner");
    expect(dbs.map((c) => c.azureName).sort()).toEqual(["contoso-dicom", "contoso-fhir"]);
    for (const c of dbs) {
      expect(c.classification).toBe("online");
      expect(c.later![0]).toMatchObject({ behaviour: "online" });
      expect(c.later![0].warning).toMatch(/contoso-(fhir|dicom) joins failover group fog-sqlfdev-dev-contoso after deployment: online; disaster recovery is in place only once its geo-secondary has been seeded/);
    }
    expect(report.diff!.find((c) => c.type === "azure-native:sql:FailoverGroup")?.classification).toBe("create");
  }, 180_000);

  it("with a per-database CMK Azure does not create the geo-secondary automatically: not supported as planned, manual steps", async () => {
    const cmk = variant("dev-contoso", "contoso-db-cmk", (y) => y.replace(/(sqlfleet:displayName: [^\n]+\n)/, "$1  sqlfleet:cmkScope: database\n"));
    const report = await withPartner(cmk);
    const [db] = later(report.diff, "failover-partner");
    expect(db.later![0].behaviour).toBe("not-supported");
    expect(db.later![0].warning).toMatch(/has a per-database customer-managed key: Azure does not create its geo-secondary automatically/);
    expect(db.steps.join("\n")).toMatch(/Create the secondary of contoso-(fhir|dicom) on the partner server with the same name/);
  }, 180_000);
});
