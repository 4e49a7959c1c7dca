// `sqlfleet plan`: every committed stack plans clean; bad configs exit 2 naming the key; --against classifies.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listStacks, stackFilePath } from "../../stacks/fleet";
import { runCli } from "./run-cli";

const tmp = mkdtempSync(path.join(os.tmpdir(), "sqlfleet-plan-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function variant(stack: string, name: string, edit: (yaml: string) => string): string {
  const file = path.join(tmp, `${name}.yaml`);
  const src = readFileSync(stackFilePath(stack), "utf8");
  const out = edit(src);
  if (out === src) throw new Error(`variant ${name}: the edit changed nothing`);
  writeFileSync(file, out);
  return file;
}

describe("sqlfleet plan", () => {
  for (const stack of listStacks()) {
    it(`plans ${stack} with exit 0 (no mandatory policy violation)`, async () => {
      const r = await runCli("plan", stack, "--json");
      const report = JSON.parse(r.out);
      const mandatory = report.policy.diagnostics.filter((d: { enforcementLevel: string }) => d.enforcementLevel === "mandatory");
      expect(mandatory, JSON.stringify(mandatory, null, 1)).toEqual([]);
      expect(r.code).toBe(0);
      expect(report.resources.length).toBeGreaterThan(5);
    });
  }

  it("prints the resource tree with SKU, size, pool, CMK, zone redundancy, failover group and backup redundancy", async () => {
    const r = await runCli("plan", "prod-northwell");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/sql:Database northwell-fhir sku=HS_Gen5_8 cmk=server key zoneRedundant=true failoverGroup=fog-sqlfprod-prod-northwell backup=GeoZone/);
    expect(r.out).toMatch(/Placement decisions/);
    expect(r.out).toMatch(/northwell\s+dicom\s+3072\s+6000\s+Hyperscale 8 vCores/);
    expect(r.out).toMatch(/Result: .*clean/);
  });

  it("a 150 TB database exits 2 naming the key", async () => {
    const file = variant("prod-cigna", "cigna-150tb", (y) => y.replace("sizeGb: 51200", "sizeGb: 153600"));
    const r = await runCli("plan", "prod-cigna", "--config", file);
    expect(r.code).toBe(2);
    // The key is named with the file and line it sits on (the Fleet keeps every key's line).
    const line = readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes("sizeGb: 153600")) + 1;
    expect(r.err).toContain(`stack prod-cigna: invalid configuration\n  ${file}:${line} sqlfleet:fhir.sizeGb = 153600: allowed maximum 102400`);
  });

  it("a pooled database above its pool's maximum exits 2 naming the key", async () => {
    const file = variant("prod-fortis", "fortis-too-big", (y) => y.replace("maxSizeGb: 2944", "maxSizeGb: 6144"));
    const r = await runCli("plan", "prod-fortis", "--config", file, "--json");
    expect(r.code).toBe(2);
    const body = JSON.parse(r.out);
    expect(body.error).toBe("invalid-configuration");
    expect(body.problems).toEqual([expect.objectContaining({ key: "sqlfleet:dicom.placement.maxSizeGb", value: 6144 })]);
  });

  it("an unknown region exits 2 naming the key", async () => {
    const file = variant("prod", "prod-bad-region", (y) => y.replace("sqlfleet:region: eastus2", "sqlfleet:region: mars-central"));
    const r = await runCli("plan", "prod", "--config", file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/sqlfleet:region = "mars-central": allowed: /);
  });

  it("--against: a pool → Hyperscale resize is one-way, with its steps in order", async () => {
    const baseline = path.join(tmp, "fortis-baseline.json");
    expect((await runCli("plan", "prod-fortis", "--json", "--out", baseline, "--no-policies")).code).toBe(0);
    const file = variant("prod-fortis", "fortis-hyperscale", (y) =>
      y.replace("      tier: pool\n      pool: gp-02\n      maxSizeGb: 2944\n", "      tier: hyperscale\n      vCores: 8\n"),
    );
    const r = await runCli("plan", "prod-fortis", "--config", file, "--against", baseline, "--json", "--no-policies");
    expect(r.code).toBe(0);
    const diff = JSON.parse(r.out).diff as { name: string; classification: string; steps: string[]; reasons: string[]; dataLoss: boolean }[];
    const db = diff.find((c) => c.name === "fortis-dicom-db")!;
    expect(db.classification).toBe("one-way");
    expect(db.dataLoss).toBe(false);
    expect(db.reasons.join(" ")).toMatch(/pool gp-02 \(GeneralPurpose\) → Hyperscale is one-way/);
    expect(db.steps[0]).toBe("Remove fortis-dicom from its failover group and delete its geo-secondary");
    expect(db.steps).toEqual(expect.arrayContaining([expect.stringMatching(/Update fortis-dicom to Hyperscale HS_Gen5_8/), expect.stringMatching(/Add fortis-dicom back to the failover group/)]));
    // The untouched FHIR database does not show up as a change.
    expect(diff.find((c) => c.name === "fortis-fhir-db")).toBeUndefined();
    const text = await runCli("plan", "prod-fortis", "--config", file, "--against", baseline, "--no-policies");
    expect(text.out).toMatch(/one-way fortis-dicom-db/);
    expect(text.out).toMatch(/ {4}1\. Remove fortis-dicom from its failover group/);
  });

  it("--against: a collation change is a replacement with data loss", async () => {
    const baseline = path.join(tmp, "fortis-baseline-2.json");
    await runCli("plan", "prod-fortis", "--json", "--out", baseline, "--no-policies");
    const file = variant("prod-fortis", "fortis-collation", (y) => y.replace("  sqlfleet:fhir:\n    sizeGb: 300\n", "  sqlfleet:fhir:\n    sizeGb: 300\n    collation: Latin1_General_100_CI_AS_SC_UTF8\n"));
    const r = await runCli("plan", "prod-fortis", "--config", file, "--against", baseline, "--json", "--no-policies");
    const diff = JSON.parse(r.out).diff as { name: string; classification: string; op: string; dataLoss: boolean; reasons: string[] }[];
    expect(diff[0]).toMatchObject({ name: "fortis-fhir-db", classification: "replacement", op: "replace", dataLoss: true });
    expect(diff[0].reasons[0]).toMatch(/collation SQL_Latin1_General_CP1_CI_AS → Latin1_General_100_CI_AS_SC_UTF8 is create-only/);
  });

  it("--against reads a pulumi stack export and redacts its secrets", async () => {
    const plan = JSON.parse((await runCli("plan", "prod-citiustech", "--json", "--no-policies")).out) as { resources: { urn: string; type: string; id?: string; inputs: Record<string, unknown> }[] };
    const exportDoc = {
      version: 3,
      deployment: {
        resources: [
          { urn: "urn:pulumi:prod-citiustech::sqlfleet::pulumi:pulumi:Stack::sqlfleet-prod-citiustech", type: "pulumi:pulumi:Stack" },
          ...plan.resources.map((r) => ({ urn: r.urn, type: r.type, id: r.id, inputs: r.type === "azure-native:sql:Database" ? { ...r.inputs, maxSizeBytes: 1024 ** 4 } : r.inputs, outputs: { id: r.id } })),
        ],
      },
    };
    const file = path.join(tmp, "citiustech-export.json");
    writeFileSync(file, JSON.stringify(exportDoc));
    const r = await runCli("plan", "prod-citiustech", "--against", file, "--json", "--no-policies");
    const diff = JSON.parse(r.out).diff as { name: string; classification: string; changed: string[] }[];
    expect(diff).toEqual([expect.objectContaining({ name: "citiustech-fhir-db", classification: "online", changed: ["maxSizeBytes"] })]);
  });
});
