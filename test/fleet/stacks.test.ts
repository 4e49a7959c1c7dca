// The fleet rollout's view of the committed stack files, the per-stack opt-out of the DatabaseSchema resource
// (schemaRollout: fleet) and the Ed-Fi DMS tuning set wired on the environment's PostgreSQL server.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fleetTargets } from "../../schema/fleet/source";
import { planWaves } from "../../schema/fleet/waves";
import { recordStack } from "../../stacks/record-stack";
import { Fleet, stackFilePath } from "../../stacks/fleet";
import { InputError } from "../../stacks/config/errors";

const DYNAMIC = "pulumi-nodejs:dynamic/sqlfleet:DatabaseSchema";
const tmp = mkdtempSync(path.join(tmpdir(), "sqlfleet-fleet-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("fleet targets from the committed stack files", () => {
  it("prod fhir-partitioning: every FHIR database on the primary server; Hyperscale databases are pools of one", () => {
    const targets = fleetTargets(new Fleet(), "prod", "fhir-partitioning");
    expect(targets.map((t) => [t.id, t.pool, t.sizeGb])).toEqual([
      ["apollo/apollo-fhir", "hyperscale:apollo-fhir", 17408],
      ["cigna/cigna-fhir", "hyperscale:cigna-fhir", 51200],
      ["citiustech/citiustech-fhir", "hyperscale:citiustech-fhir", 5120],
      ["fortis/fortis-fhir", "gp-01", 300],
      ["maxhealthcare/maxhealthcare-fhir", "gp-01", 600],
      ["northwell/northwell-fhir", "hyperscale:northwell-fhir", 10240],
    ]);
    for (const t of targets) expect(t).toMatchObject({ engine: "mssql", serverFqdn: "sql-sqlfprod-prod-eastus2.database.windows.net" });
    // The canary is the smallest database, alone.
    expect(planWaves(targets, { batchPercent: 50 })[0].targets.map((t) => t.id)).toEqual(["fortis/fortis-fhir"]);
  });

  it("edfi-dms-tuning: the environment's PostgreSQL server's DMS database", () => {
    expect(fleetTargets(new Fleet(), "dev", "edfi-dms-tuning")).toEqual([
      expect.objectContaining({ database: "edfi_dms", engine: "postgres", serverFqdn: "psql-sqlfdev-dev-edfi.postgres.database.azure.com" }),
    ]);
  });

  it("an unknown environment is invalid input naming the missing stack file", () => {
    expect(() => fleetTargets(new Fleet(), "nope", "fhir-partitioning")).toThrow(InputError);
    expect(() => fleetTargets(new Fleet(), "nope", "fhir-partitioning")).toThrow(/Pulumi\.nope\.yaml/);
  });

  it("reads each stack file once through the command's Fleet, even when targets are resolved twice (rollout + status)", () => {
    const reads = new Map<string, number>();
    const fleet = new Fleet(undefined, (f) => (reads.set(f, (reads.get(f) ?? 0) + 1), readFileSync(f, "utf8")));
    const first = fleetTargets(fleet, "prod", "fhir-partitioning");
    expect(fleetTargets(fleet, "prod", "fhir-partitioning")).toEqual(first);
    expect([...reads.keys()].map((f) => path.basename(f)).sort()).toEqual([
      "Pulumi.prod-apollo.yaml",
      "Pulumi.prod-cigna.yaml",
      "Pulumi.prod-citiustech.yaml",
      "Pulumi.prod-fortis.yaml",
      "Pulumi.prod-maxhealthcare.yaml",
      "Pulumi.prod-northwell.yaml",
      "Pulumi.prod.yaml",
    ]);
    expect([...reads.values()].every((n) => n === 1)).toBe(true);
  });
});

describe("DatabaseSchema resource vs fleet rollout", () => {
  it("schemaRollout: fleet leaves the FHIR schema to the fleet rollout (no DatabaseSchema in the customer stack)", async () => {
    const file = path.join(tmp, "Pulumi.prod-fortis.yaml");
    writeFileSync(file, `${readFileSync(stackFilePath("prod-fortis"), "utf8")}  sqlfleet:schemaRollout: fleet\n`);
    const fleet = await recordStack("prod-fortis", { configFile: file });
    expect(fleet.recording.ofType(DYNAMIC)).toEqual([]);
    expect(fleet.recording.ofType("azure-native:sql:Database").map((d) => d.inputs.databaseName)).toEqual(["fortis-fhir", "fortis-dicom"]);
    const pulumiMode = await recordStack("prod-fortis");
    expect(pulumiMode.recording.ofType(DYNAMIC).map((r) => r.inputs.databaseName)).toEqual(["fortis-fhir"]);
  });

  it("schemaRollout outside pulumi|fleet is refused naming the key", async () => {
    const file = path.join(tmp, "Pulumi.prod-fortis.yaml");
    writeFileSync(file, `${readFileSync(stackFilePath("prod-fortis"), "utf8")}  sqlfleet:schemaRollout: sometimes\n`);
    await expect(recordStack("prod-fortis", { configFile: file })).rejects.toThrow(/schemaRollout/);
  });

  it("the environment adopts edfi-dms, then applies edfi-dms-tuning, on its PostgreSQL server's edfi_dms database (Entra, retained)", async () => {
    const { recording } = await recordStack("dev");
    const schemas = recording.ofType(DYNAMIC);
    expect(schemas.map((r) => r.inputs.migrationSet).sort()).toEqual(["edfi-dms", "edfi-dms-tuning"]);
    const writePath = schemas.find((r) => r.inputs.migrationSet === "edfi-dms")!;
    const tuning = schemas.find((r) => r.inputs.migrationSet === "edfi-dms-tuning")!;
    expect(recording.dependsOnUrns(tuning).has(writePath.urn)).toBe(true);
    expect(writePath.inputs).toMatchObject({ databaseName: "edfi_dms", engine: "postgres", authentication: "entra" });
    expect(recording.effectiveRetainOnDelete(writePath)).toBe(true);
    expect(tuning.inputs).toMatchObject({ databaseName: "edfi_dms", engine: "postgres", migrationSet: "edfi-dms-tuning", authentication: "entra" });
    expect(String(tuning.inputs.serverFqdn)).toContain("psql-sqlfdev-dev-edfi");
    expect(tuning.inputs.password).toBeUndefined();
    expect(recording.effectiveRetainOnDelete(tuning)).toBe(true);
    const pg = recording.ofType("azure-native:dbforpostgresql:Server")[0];
    expect(recording.dependsOnUrns(tuning).has(pg.urn)).toBe(true);
  });
});
