// A component's validation error raised while a stack program runs is reported as the config key that fed the field
// (stacks/component-keys.ts), with the stack, the file and the key's line — through the CLI, exit 2. The values used
// pass the config schemas and fail only the component check.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ComponentValidationError } from "../../components/validation";
import { sourceOfField } from "../../stacks/component-keys";
import { Fleet } from "../../stacks/fleet-model";
import { stackFilePath } from "../../stacks/fleet";
import { scratchFleet } from "../cli/fleet-root";
import { runCliWith } from "../cli/run-cli";

/** The 1-based line of the first line matching `re` in a file. */
function lineOf(file: string, re: RegExp): number {
  const n = readFileSync(file, "utf8").split("\n").findIndex((l) => re.test(l)) + 1;
  expect(n, `${file} has ${re}`).toBeGreaterThan(0);
  return n;
}

function edit(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, "utf8");
  expect(text).toMatch(from);
  writeFileSync(file, text.replace(from, to));
}

describe("component validation errors name the stack, file, line and config key", () => {
  it("haReplicas 0 on a Hyperscale database (config schema allows 0–4; the zone-redundant database needs ≥ 1)", async () => {
    const root = scratchFleet();
    const file = path.join(root, "Pulumi.prod-northwell.yaml");
    edit(file, /( {2}sqlfleet:fhir:\n(?:.*\n)*? {6}vCores: 8\n)/, "$1      haReplicas: 0\n");
    const line = lineOf(file, /haReplicas: 0/);
    const r = await runCliWith({ openFleet: () => new Fleet(root) }, "plan", "prod-northwell", "--no-policies");
    expect(r.code).toBe(2);
    expect(r.err).toContain("stack prod-northwell: invalid configuration");
    expect(r.err).toContain(`${file}:${line} sqlfleet:fhir.placement.haReplicas = 0: allowed 1–4`);
    expect(r.err).toContain('refused by Workspace "northwell" databases.fhir.haReplicas');
  });

  it("an environment key refused in a customer plan names the environment's file and line", async () => {
    // Geo is a valid environment backup redundancy (pooled databases); a zone-redundant Hyperscale database needs Zone or GeoZone.
    const root = scratchFleet();
    const envFile = path.join(root, "Pulumi.prod.yaml");
    edit(envFile, "sqlfleet:backupRedundancy: GeoZone", "sqlfleet:backupRedundancy: Geo");
    const r = await runCliWith({ openFleet: () => new Fleet(root) }, "plan", "prod-northwell", "--no-policies", "--json");
    expect(r.code).toBe(2);
    const body = JSON.parse(r.out) as { error: string; problems: { key: string; at: string; stack: string; value: unknown }[] };
    expect(body.error).toBe("invalid-configuration");
    expect(body.problems).toEqual([expect.objectContaining({ key: "sqlfleet:backupRedundancy", value: "Geo", stack: "prod", at: `${envFile}:${lineOf(envFile, /backupRedundancy: Geo/)}` })]);
  });

  it("an environment component (PostgreSQL storage 100 GB: schema 32–32768, Azure sizes only) → sqlfleet:postgres.storageGb", async () => {
    const root = scratchFleet();
    const file = path.join(root, "Pulumi.dev.yaml");
    edit(file, "storageGb: 128", "storageGb: 100");
    const r = await runCliWith({ openFleet: () => new Fleet(root) }, "plan", "dev", "--no-policies");
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}:${lineOf(file, /storageGb: 100/)} sqlfleet:postgres.storageGb = 100: one of 32, 64, 128`);
    expect(r.err).toContain('PostgresServer "edfi-postgres" storageGb');
  });

  it("maps each program's fields to their keys (pools by index, derived names to their prefix, secondaries to secondaryRegion)", () => {
    const raw = new Fleet().load(stackFilePath("prod")).raw;
    const pools = raw.pools as { name: string }[];
    const at = (component: string, name: string, field: string) => sourceOfField(new ComponentValidationError(component, name, field, 1, "x"), { raw });
    expect(at("ElasticPool", `pool-${pools[1].name}-secondary`, "vCores")).toEqual({ key: "sqlfleet:pools[1].vCores" });
    expect(at("ElasticPool", `pool-${pools[0].name}`, "maxSizeGb")).toEqual({ key: "sqlfleet:pools[0].maxDataGb" });
    expect(at("SqlServer", "sql-secondary", "location")).toEqual({ key: "sqlfleet:secondaryRegion" });
    expect(at("SqlServer", "sql-primary", "serverName")).toEqual({ key: "sqlfleet:namePrefix" });
    expect(at("SqlServer", "sql-primary", "entraAdmin.login")).toEqual({ key: "sqlfleet:entraAdminGroup.login" });
    expect(at("Monitoring", "monitoring", "retentionInDays")).toEqual({ key: "sqlfleet:logRetentionDays" });
    expect(at("CustomerManagedKey", "cmk-geo", "location")).toEqual({ key: "sqlfleet:secondaryRegion" });
    expect(at("Workspace", "fortis", "databases.dicom.maxSizeGb")).toEqual({ key: "sqlfleet:dicom.placement.maxSizeGb" });
    expect(at("Workspace", "fortis", "databases.fhir.pool.name (failover.secondaryPoolNames)")).toEqual({ key: "sqlfleet:fhir.placement.pool" });
    expect(at("Workspace", "fortis", "failover.gracePeriodMinutes")).toEqual({ key: "sqlfleet:failoverGracePeriodMinutes", environment: true });
    // Set by the program, not from config: no key (stackProgram then names the stack instead).
    expect(at("SqlDatabase", "fortis-fhir", "databaseName")).toBeUndefined();
  });
});
