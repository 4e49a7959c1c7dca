// Customer notices (seed 003: notify customers affected by a move or a disruptive change): content for a pool move
// (rebalance), a one-way resize into Hyperscale (plan --against) and a replacement (the PR check), every JSON notice
// validated against stacks/notices/notice.schema.json with ajv, and the window rules.
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseMetricsSnapshot } from "../../placement/metrics";
import { readJsonFile, PROJECT_ROOT, stackFilePath } from "../../stacks/fleet";
import { Fleet } from "../../stacks/fleet-model";
import { noticeMarkdown } from "../../stacks/notices/markdown";
import { planNotices, prNotices, rebalanceNotices } from "../../stacks/notices/commands";
import type { Notice } from "../../stacks/notices/types";
import { nextSlot, parseWindowFlag, resolveWindow } from "../../stacks/notices/window";
import { runPlan } from "../../stacks/plan/run";
import { runPrCheck } from "../../stacks/pr/run";
import { planEnvironmentRebalance } from "../../stacks/rebalancing";
import { runCli } from "../cli/run-cli";
import { gitFleet } from "../pr/git-fleet";

const tmp = mkdtempSync(path.join(os.tmpdir(), "sqlfleet-notices-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(path.join(PROJECT_ROOT, "stacks/notices/notice.schema.json"), "utf8")) as object);
const schemaErrors = (n: unknown) => (validate(n) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`));

const NOW = new Date("2026-12-03T12:00:00Z"); // a Thursday
const metricsFile = path.join(PROJECT_ROOT, "placement/examples/prod-metrics.json");

describe("notices for a rebalance move", () => {
  it("one notice per affected customer: the database, the pools, an online move with a reconnect, the steps, the window", () => {
    const fleet = new Fleet();
    const plan = planEnvironmentRebalance(fleet.environmentConfig("prod"), fleet.members("prod").members, parseMetricsSnapshot(readJsonFile(metricsFile), metricsFile));
    const dir = path.join(tmp, "rebalance");
    const w = rebalanceNotices({ notices: dir }, "prod", fleet, plan, NOW)!;
    // Every stack a move touches gets exactly one notice, nobody else.
    expect(w.notices.map((n) => n.customer.stack)).toEqual([...new Set(plan.moves.map((m) => m.stack))].sort());
    expect(readdirSync(dir).sort()).toEqual(w.notices.flatMap((n) => [`${n.customer.stack}.json`, `${n.customer.stack}.md`]).sort());
    const n = JSON.parse(readFileSync(path.join(dir, "prod-maxhealthcare.json"), "utf8")) as Notice;
    expect(schemaErrors(n)).toEqual([]);
    expect(n.customer).toEqual({ id: "maxhealthcare", displayName: "Max Healthcare", stack: "prod-maxhealthcare" });
    expect(n.source).toEqual({ command: "rebalance", environment: "prod", stacks: ["prod"] });
    // Default window: the next Saturday 22:00 UTC after Thursday noon, 4 hours.
    expect(n.window).toEqual({ start: "2026-12-05T22:00:00.000Z", end: "2026-12-06T02:00:00.000Z", from: "default" });
    expect(n.severity).toBe("reconnect");
    expect(n.changes).toHaveLength(1);
    const c = n.changes[0];
    expect(c).toMatchObject({ database: "maxhealthcare-dicom", classification: "online", what: expect.stringMatching(/^maxhealthcare-dicom moves from elastic pool gp-01 to gp-02 \(420 GB/) });
    expect(c.disruption).toMatchObject({ kind: "reconnect", reconnect: true, drRemovedForWindow: false, oneWay: false, dataLoss: false });
    expect(c.disruption.summary[0]).toMatch(/online; open connections are dropped once at the end/);
    // prod has a failover partner: the secondary's same-name pool moves first.
    expect(c.steps[0]).toBe("Make sure the secondary server has a pool named gp-02 with room, then move the secondary first and the primary second");
    const md = readFileSync(path.join(dir, "prod-maxhealthcare.md"), "utf8");
    expect(md).toBe(noticeMarkdown(n));
    expect(md).toMatch(/^# Max Healthcare: planned maintenance to maxhealthcare-dicom — 2026-12-05 22:00 UTC\n/);
    expect(md).toMatch(/\*\*Planned window:\*\* 2026-12-05 22:00 UTC – 2026-12-06 02:00 UTC/);
    expect(md).toMatch(/## maxhealthcare-dicom: maxhealthcare-dicom moves from elastic pool gp-01 to gp-02/);
    expect(md).toMatch(/1\. Make sure the secondary server has a pool named gp-02/);
  });

  it("the window comes from the environment's noticeWindow when set, and the same plan gives the same notice id", () => {
    const fleet = new Fleet();
    const env = fleet.environmentConfig("prod");
    const plan = planEnvironmentRebalance(env, fleet.members("prod").members, parseMetricsSnapshot(readJsonFile(metricsFile), metricsFile));
    const slotted = { environmentConfig: () => ({ ...env, noticeWindow: { weekday: "tuesday" as const, startUtc: "01:30", hours: 2 } }), members: (e: string) => fleet.members(e) } as unknown as Fleet;
    const a = rebalanceNotices({ notices: path.join(tmp, "slot-a") }, "prod", slotted, plan, NOW)!.notices[0];
    const b = rebalanceNotices({ notices: path.join(tmp, "slot-b") }, "prod", slotted, plan, new Date("2026-12-03T13:00:00Z"))!.notices[0];
    expect(a.window).toEqual({ start: "2026-12-08T01:30:00.000Z", end: "2026-12-08T03:30:00.000Z", from: "config" });
    expect(b.id).toBe(a.id);
    expect(b.generatedAt).not.toBe(a.generatedAt);
  });

  it("npx sqlfleet rebalance prod --metrics … --notices DIR writes them (the issue's command)", async () => {
    const dir = path.join(tmp, "cli");
    const r = await runCli("rebalance", "prod", "--metrics", metricsFile, "--notices", dir, "--window", "2026-12-12T22:00Z/2026-12-13T01:00Z", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).notices).toEqual([path.join(dir, "prod-maxhealthcare.json"), path.join(dir, "prod-maxhealthcare.md")]);
    const n = JSON.parse(readFileSync(path.join(dir, "prod-maxhealthcare.json"), "utf8")) as Notice;
    expect(n.window).toEqual({ start: "2026-12-12T22:00:00.000Z", end: "2026-12-13T01:00:00.000Z", from: "flag" });
    expect(schemaErrors(n)).toEqual([]);
  });
});

describe("notices for plan --against", () => {
  it("a one-way resize into Hyperscale: DR removed for the window, one-way within 45 days, the ordered steps", async () => {
    const baseline = path.join(tmp, "fortis-baseline.json");
    writeFileSync(baseline, JSON.stringify(await runPlan("prod-fortis", { skipPolicies: true })));
    const head = path.join(tmp, "fortis-hyperscale.yaml");
    const src = readFileSync(stackFilePath("prod-fortis"), "utf8");
    const edited = src.replace("      tier: pool\n      pool: gp-02\n      maxSizeGb: 2944\n", "      tier: hyperscale\n      vCores: 8\n");
    expect(edited).not.toBe(src);
    writeFileSync(head, edited);
    const fleet = new Fleet();
    const report = await runPlan("prod-fortis", { fleet, configFile: head, against: baseline, skipPolicies: true });
    const dir = path.join(tmp, "fortis");
    const w = planNotices({ notices: dir, against: baseline, window: "2026-12-19T21:00Z/PT6H" }, report, fleet, NOW)!;
    expect(w.notices.map((n) => n.customer.stack)).toEqual(["prod-fortis"]);
    const n = w.notices[0];
    expect(schemaErrors(n)).toEqual([]);
    expect(n.source).toEqual({ command: "plan", environment: "prod", stacks: ["prod-fortis"], baseline });
    expect(n.severity).toBe("one-way");
    // Only the database that changes; the untouched FHIR database is not in the notice.
    expect(n.changes.map((c) => c.database)).toEqual(["fortis-dicom"]);
    const c = n.changes[0];
    expect(c.classification).toBe("one-way");
    expect(c.disruption).toMatchObject({ kind: "one-way", oneWay: true, drRemovedForWindow: true, reconnect: true, dataLoss: false });
    expect(c.disruption.summary).toEqual([
      expect.stringMatching(/^Moving into Hyperscale is one-way: the way back \(to General Purpose only\) exists for 45 days/),
      expect.stringMatching(/^Disaster recovery is removed for the window/),
      expect.stringMatching(/^The change runs online; open connections are dropped once/),
    ]);
    expect(c.steps[0]).toBe("Remove fortis-dicom from its failover group and delete its geo-secondary");
    expect(c.steps.at(-1)).toMatch(/^Add fortis-dicom back to the failover group/);
    expect(n.window).toEqual({ start: "2026-12-19T21:00:00.000Z", end: "2026-12-20T03:00:00.000Z", from: "flag" });
    const md = readFileSync(path.join(dir, "prod-fortis.md"), "utf8");
    expect(md).toMatch(/\*\*What to expect\*\* \(one-way\)/);
    expect(md).toMatch(/1\. Remove fortis-dicom from its failover group/);
  }, 180_000);

  it("--notices without --against exits 2 before planning", async () => {
    const dir = path.join(tmp, "no-against");
    const r = await runCli("plan", "prod-fortis", "--notices", dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--notices: needs --against <baseline>/);
    expect(existsSync(dir)).toBe(false);
  });
});

describe("notices for the PR check", () => {
  it("a collation change is a replacement: a new database, data loss unless migrated, the copy steps", async () => {
    const repo = gitFleet();
    repo.edit("Pulumi.prod-apollo.yaml", "    growthPerYear: 0.2\n", "    growthPerYear: 0.2\n    collation: Latin1_General_100_CI_AS\n");
    repo.commit("apollo dicom collation");
    const report = await runPrCheck({ repo: repo.dir, base: "HEAD~1" });
    const dir = path.join(tmp, "pr");
    const w = prNotices({ notices: dir }, report, repo.dir, NOW)!;
    expect(w.notices.map((n) => n.customer.stack)).toEqual(["prod-apollo"]);
    const n = JSON.parse(readFileSync(path.join(dir, "prod-apollo.json"), "utf8")) as Notice;
    expect(schemaErrors(n)).toEqual([]);
    expect(n.source).toEqual({ command: "pr", environment: "prod", stacks: ["prod-apollo"] });
    expect(n.severity).toBe("replacement");
    const c = n.changes.find((x) => x.database === "apollo-dicom")!;
    expect(c.classification).toBe("replacement");
    expect(c.what).toMatch(/^sql:Database apollo-dicom is replaced \(collation/);
    expect(c.disruption).toMatchObject({ kind: "replacement", dataLoss: true, oneWay: false });
    expect(c.disruption.summary[0]).toMatch(/^The database is replaced: a new database is created and the data moved into it/);
    expect(c.reasons.join(" ")).toMatch(/collation SQL_Latin1_General_CP1_CI_AS → Latin1_General_100_CI_AS is create-only/);
    expect(c.steps[0]).toMatch(/^Export or copy apollo-dicom/);
    expect(c.steps.at(-1)).toMatch(/drop the old one \(its data is gone after this\)/);
    expect(readFileSync(path.join(dir, "prod-apollo.md"), "utf8")).toMatch(/\*\*What to expect\*\* \(replacement, data loss unless migrated\)/);
  }, 180_000);
});

describe("the notice window", () => {
  it("parses <start>/<duration> and <start>/<end>, and refuses what is not an interval, naming the flag", () => {
    expect(parseWindowFlag("2026-12-12T22:00Z/PT1H30M")).toEqual({ start: "2026-12-12T22:00:00.000Z", end: "2026-12-12T23:30:00.000Z", from: "flag" });
    expect(parseWindowFlag("2026-12-12T23:00+01:00/2026-12-13T02:00Z").start).toBe("2026-12-12T22:00:00.000Z");
    expect(() => parseWindowFlag("2026-12-12T22:00/PT4H")).toThrow(/--window: "2026-12-12T22:00" is not an ISO-8601 date-time with a zone/);
    expect(() => parseWindowFlag("2026-12-12T22:00Z/P1D")).toThrow(/--window: "P1D": a duration in hours and minutes/);
    expect(() => parseWindowFlag("2026-12-13T02:00Z/2026-12-12T22:00Z")).toThrow(/must end after it starts/);
    expect(() => parseWindowFlag("2026-12-12T22:00Z/PT200H")).toThrow(/at most 168 hours/);
  });

  it("a weekly slot gives its next start at or after now (the same day when still ahead, next week when passed)", () => {
    const slot = { weekday: "thursday" as const, startUtc: "18:00", hours: 3 };
    expect(nextSlot(slot, NOW, "config").start).toBe("2026-12-03T18:00:00.000Z");
    expect(nextSlot(slot, new Date("2026-12-03T18:00:01Z"), "config").start).toBe("2026-12-10T18:00:00.000Z");
    expect(resolveWindow(undefined, undefined, NOW)).toEqual({ start: "2026-12-05T22:00:00.000Z", end: "2026-12-06T02:00:00.000Z", from: "default" });
  });
});
