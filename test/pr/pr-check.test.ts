// The PR check end to end on a temporary git repository: real stack programs planned under mocks at base and head.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runPrCheck } from "../../stacks/pr/run";
import { prSarif } from "../../cli/pr/sarif";
import { prJunit } from "../../cli/pr/junit";
import { prMarkdown } from "../../cli/pr/markdown";
import { gitFleet } from "./git-fleet";
import { sarifErrors } from "./sarif-schema";
import { junitErrors } from "./junit-schema";

const POOL_DICOM = "      tier: pool\n      pool: bc-01\n      maxSizeGb: 1408";

describe("sqlfleet pr", () => {
  it("a resize from pool to Hyperscale is one-way with ordered steps and exits 0", async () => {
    const repo = gitFleet();
    repo.edit("Pulumi.prod-apollo.yaml", POOL_DICOM, "      tier: hyperscale\n      vCores: 4");
    repo.commit("apollo dicom to hyperscale");
    const r = await runPrCheck({ repo: repo.dir, base: "HEAD~1" });
    expect(r.stacks.map((s) => s.stack)).toEqual(["prod-apollo"]);
    const db = r.stacks[0].changes.find((c) => c.type === "azure-native:sql:Database");
    expect(db?.classification).toBe("one-way");
    expect(db?.steps.length).toBeGreaterThan(2);
    expect(db?.steps.some((s) => /Hyperscale/.test(s))).toBe(true);
    expect(r.stacks[0].changedKeys.map((k) => k.key)).toContain("sqlfleet:dicom.placement.tier");
    expect(r.exitCode).toBe(0);
    expect(prMarkdown(r)).toMatch(/\| one-way \| apollo-dicom-db \|/);
    const sarif = prSarif(r) as { version: string; runs: { results: unknown[] }[] };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results).toEqual([]);
    expect(sarifErrors(sarif)).toEqual([]);
  }, 180_000);

  it("a collation change is a replacement with data loss: exit 1 until acknowledged", async () => {
    const repo = gitFleet();
    repo.edit("Pulumi.prod-apollo.yaml", "    growthPerYear: 0.2\n", "    growthPerYear: 0.2\n    collation: Latin1_General_100_CI_AS\n");
    repo.commit("apollo dicom collation");
    const r = await runPrCheck({ repo: repo.dir, base: "HEAD~1" });
    const db = r.stacks[0].changes.find((c) => c.type === "azure-native:sql:Database");
    expect(db?.classification).toBe("replacement");
    expect(db?.dataLoss).toBe(true);
    expect(r.stacks[0].unacknowledged.map((c) => c.name)).toContain(db?.name);
    expect(r.exitCode).toBe(1);
    const sarif = prSarif(r) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    expect(sarifErrors(sarif)).toEqual([]);
    const result = sarif.runs[0].results.find((x) => x.ruleId === "sqlfleet-unacknowledged-data-loss");
    expect(result?.locations[0].physicalLocation.artifactLocation.uri).toBe("Pulumi.prod-apollo.yaml");
    // The collation line was inserted after dicom's growthPerYear (line 13 of the committed file).
    expect(result?.locations[0].physicalLocation.region.startLine).toBe(14);
    expect(await junitErrors(prJunit(r))).toEqual([]);
    expect(await junitErrors(prJunit(r).replace("<testcase ", "<testcase bogus=\"1\" "))).not.toEqual([]);
    expect(prJunit(r)).toMatch(/<testcase classname="prod-apollo" name="data-loss acknowledged">\s*<failure/);
    const acked = await runPrCheck({ repo: repo.dir, base: "HEAD~1", acknowledged: [`prod-apollo:${db?.name}`] });
    expect(acked.stacks[0].unacknowledged).toEqual([]);
    expect(acked.exitCode).toBe(0);
  }, 180_000);

  it("an invalid head config exits 2 naming the key; an unknown base ref is a configuration error", async () => {
    const repo = gitFleet();
    repo.edit("Pulumi.prod-apollo.yaml", "sizeGb: 800", "sizeGb: -5");
    const r = await runPrCheck({ repo: repo.dir, base: "HEAD" });
    expect(r.exitCode).toBe(2);
    expect(r.stacks[0].error).toMatch(/sqlfleet:dicom\.sizeGb/);
    // SARIF reports the invalid key at its own line.
    const sarif = prSarif(r) as SarifLog;
    expect(sarifErrors(sarif)).toEqual([]);
    const invalid = sarif.runs[0].results.find((x) => x.ruleId === "sqlfleet-invalid-configuration");
    expect(invalid?.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "Pulumi.prod-apollo.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: lineOf(repo.dir, "Pulumi.prod-apollo.yaml", "sizeGb: -5") } });
    await expect(runPrCheck({ repo: repo.dir, base: "no-such-ref" })).rejects.toThrow(/--base/);
  }, 180_000);

  it("opening the SQL servers to public networks exits 1 with the policy id in SARIF, JUnit and Markdown", async () => {
    const repo = gitFleet();
    repo.edit("Pulumi.dev.yaml", "config:\n", "config:\n  sqlfleet:publicNetworkAccess: Enabled\n");
    repo.commit("dev servers public");
    const r = await runPrCheck({ repo: repo.dir, base: "HEAD~1" });
    const rule = "sqlfleet-sql-server-no-public-network";
    const dev = r.stacks.find((s) => s.stack === "dev");
    expect(dev?.diagnostics.some((d) => d.policyId === rule && d.enforcementLevel === "mandatory")).toBe(true);
    expect(r.exitCode).toBe(1);
    const sarif = prSarif(r) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(sarifErrors(sarif)).toEqual([]);
    const found = sarif.runs[0].results.find((x) => x.ruleId === rule);
    expect(found?.locations[0].physicalLocation.artifactLocation.uri).toBe("Pulumi.dev.yaml");
    expect((found as SarifResult | undefined)?.locations[0].physicalLocation.region.startLine).toBe(lineOf(repo.dir, "Pulumi.dev.yaml", "publicNetworkAccess: Enabled"));
    const junit = prJunit(r);
    expect(await junitErrors(junit)).toEqual([]);
    expect(junit).toMatch(new RegExp(`<testcase classname="dev" name="${rule}">\\s*<failure`));
    expect(prMarkdown(r)).toContain(rule);
  }, 180_000);
});

type SarifResult = { ruleId: string; level: string; properties: Record<string, unknown>; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } } }[] };
type SarifLog = { runs: { results: SarifResult[] }[] };

/** 1-based line of the first line containing `text` in a file of the repository. */
function lineOf(dir: string, file: string, text: string): number {
  const n = readFileSync(path.join(dir, file), "utf8").split("\n").findIndex((l) => l.includes(text)) + 1;
  expect(n, `${file} contains ${text}`).toBeGreaterThan(0);
  return n;
}

describe("sqlfleet pr: findings located at the config key that caused them", () => {
  it("a customer database's finding caused by an environment key points at that key's line in the environment file", async () => {
    const repo = gitFleet();
    // 3 days of point-in-time restore: below the pack's minimum (advisory outside prod) on every dev database.
    repo.edit("Pulumi.dev.yaml", "config:\n", "config:\n  sqlfleet:shortTermRetentionDays: 3\n");
    repo.commit("dev short PITR");
    const r = await runPrCheck({ repo: repo.dir, base: "HEAD~1" });
    const contoso = r.stacks.find((s) => s.stack === "dev-contoso");
    const finding = contoso?.diagnostics.find((d) => d.policyId === "sqlfleet-sql-db-short-term-retention");
    expect(finding?.at).toEqual({ file: "Pulumi.dev.yaml", line: lineOf(repo.dir, "Pulumi.dev.yaml", "shortTermRetentionDays: 3"), key: "sqlfleet:shortTermRetentionDays" });
    const sarif = prSarif(r) as SarifLog;
    expect(sarifErrors(sarif)).toEqual([]);
    const result = sarif.runs[0].results.find((x) => x.ruleId === "sqlfleet-sql-db-short-term-retention" && x.properties.stack === "dev-contoso");
    expect(result?.locations[0].physicalLocation.artifactLocation.uri).toBe("Pulumi.dev.yaml");
    expect(result?.locations[0].physicalLocation.region.startLine).toBe(lineOf(repo.dir, "Pulumi.dev.yaml", "shortTermRetentionDays: 3"));
    expect(result?.properties.configKey).toBe("sqlfleet:shortTermRetentionDays");
  }, 300_000);
});
