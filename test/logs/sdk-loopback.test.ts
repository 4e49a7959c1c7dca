// The call through @azure/monitor-query-logs, against the loopback Log Analytics server (the only stand-in for
// Azure Monitor here): the request the SDK sends (path, bearer token, timespan, Prefer wait) and the documented
// response shape (tables/columns/rows; datetime columns become Dates), end to end through `sqlfleet logs export`.
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../../cli/main";
import { defaultDeps } from "../../cli/deps";
import { logsQueryClient } from "../../stacks/logs/client";
import { exportLogs } from "../../stacks/logs/export";
import { auditEvents, fakeCredential, FAKE_TOKEN, opensslAvailable, startLogAnalytics, type LoopbackLogAnalytics } from "../support/log-analytics-server";

const WORKSPACE = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
const FROM = "2026-03-01T00:00:00Z";
const events = auditEvents(FROM, 120, 30 * 60_000); // every 30 minutes for 2.5 days
const HAS_OPENSSL = opensslAvailable();

describe.skipIf(!HAS_OPENSSL)("logs export through the SDK against a loopback Log Analytics (needs openssl for its TLS certificate)", () => {
  let la: LoopbackLogAnalytics;
  const dir = mkdtempSync(path.join(tmpdir(), "sqlfleet-logs-"));
  beforeAll(async () => {
    la = await startLogAnalytics(events);
  });
  afterAll(async () => {
    await la?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    la.requests.length = 0;
  });

  it("sends the query per window with the bearer token and timespan, and reads the documented response shape", async () => {
    const client = logsQueryClient({ credential: fakeCredential, endpoint: la.endpoint, ca: la.ca });
    let out = "";
    const r = await exportLogs({ client, workspaceId: WORKSPACE, kind: "all", from: new Date(FROM), to: new Date("2026-03-03T12:00:00Z"), format: "jsonl", write: (s) => void (out += s) });
    expect(r.rows).toBe(120);
    expect(la.requests.map((q) => q.path)).toEqual(Array(3).fill(`/v1/workspaces/${WORKSPACE}/query`));
    expect(la.requests.map((q) => q.body.timespan)).toEqual([
      "2026-03-01T00:00:00.000Z/2026-03-02T00:00:00.000Z",
      "2026-03-02T00:00:00.000Z/2026-03-03T00:00:00.000Z",
      "2026-03-03T00:00:00.000Z/2026-03-03T12:00:00.000Z",
    ]);
    for (const q of la.requests) {
      expect(q.authorization).toBe(`Bearer ${FAKE_TOKEN}`);
      expect(q.prefer).toContain("wait=600");
      expect(q.body.query).toContain('AzureDiagnostics\n| where Category == "SQLSecurityAuditEvents"');
    }
    expect(la.requests[1].body.query).toContain("| where TimeGenerated >= datetime(2026-03-02T00:00:00.000Z) and TimeGenerated < datetime(2026-03-03T00:00:00.000Z)");
    expect(fakeCredential.scopes).toContain("https://api.loganalytics.io/.default");
    const lines = out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(120);
    // The SDK turned the datetime column into Dates; the writer printed them back as ISO 8601.
    expect(lines[0]).toEqual({ TimeGenerated: "2026-03-01T00:00:00.000Z", database: "cigna-fhir", principal: "user0", action: "DATABASE AUTHENTICATION FAILED", succeeded: "false", statement: null });
    expect(lines.map((l) => l.TimeGenerated)).toEqual(events.map((e) => e.TimeGenerated));
  });

  it("splits a window the service answers with a partial error (result set too large)", async () => {
    const partial = await startLogAnalytics(events, { partialAbove: 20 });
    try {
      const client = logsQueryClient({ credential: fakeCredential, endpoint: partial.endpoint, ca: partial.ca });
      let n = 0;
      const r = await exportLogs({ client, workspaceId: WORKSPACE, kind: "all", from: new Date(FROM), to: new Date("2026-03-03T12:00:00Z"), format: "jsonl", write: (s) => void (n += s.split("\n").length - 1) });
      expect(n).toBe(120);
      expect(r.queries).toBeGreaterThan(3);
      expect(r.windows.every((w) => w.end.getTime() - w.start.getTime() <= 12 * 3_600_000)).toBe(true);
    } finally {
      await partial.close();
    }
  });

  describe("sqlfleet logs export (CLI)", () => {
    let stderr: string[] = [];
    let stdout: string[] = [];
    beforeEach(() => {
      stderr = [];
      stdout = [];
      vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => (stdout.push(String(c)), true));
      vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void stderr.push(a.map(String).join(" ")));
      vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => (stderr.push(String(c)), true));
    });
    afterEach(() => vi.restoreAllMocks());
    const deps = () => ({ ...defaultDeps, logsClient: () => logsQueryClient({ credential: fakeCredential, endpoint: la.endpoint, ca: la.ca }) });

    it("writes a customer's failed logins as CSV to --out, progress on stderr only, stdout untouched", async () => {
      const out = path.join(dir, "cigna.csv");
      const argv = ["logs", "export", "prod-cigna", "--from", "2026-03-01", "--to", "2026-03-03T12:00:00Z", "--query", "failed-logins", "--format", "csv", "--out", out, "--workspace-id", WORKSPACE];
      expect(await runCli(argv, deps())).toBe(0);
      expect(stdout.join("")).toBe("");
      const progress = stderr.filter((l) => l.startsWith("logs export:"));
      expect(progress).toEqual([
        "logs export: 40% of the range, 48 rows, 1 query (through 2026-03-02T00:00:00.000Z)\n",
        "logs export: 80% of the range, 96 rows, 2 queries (through 2026-03-03T00:00:00.000Z)\n",
        "logs export: 100% of the range, 120 rows, 3 queries (through 2026-03-03T12:00:00.000Z)\n",
      ]);
      expect(stderr.join("\n")).toContain("exported 120 failed-logins event(s) of databases cigna-fhir, 2026-03-01T00:00:00.000Z to 2026-03-03T12:00:00.000Z, in 3 queries");
      // The customer stack's databases and the failed-login filter reached the service.
      for (const q of la.requests) {
        expect(q.body.query).toContain('| where database_name_s in~ ("cigna-fhir")');
        expect(q.body.query).toContain('action_name_s == "DATABASE AUTHENTICATION FAILED"');
      }
      const rows = parse(readFileSync(out, "utf8"), { columns: true }) as Record<string, string>[];
      expect(rows).toHaveLength(120); // the loopback server does not evaluate KQL filters; the query text is asserted above
      expect(rows[1]).toEqual({ TimeGenerated: "2026-03-01T00:30:00.000Z", database: "northwell-fhir", principal: "user1", action: "BATCH COMPLETED", succeeded: "true", statement: "SELECT 1, 'a,b' FROM \"t\"" });
      expect(existsSync(`${out}.partial`)).toBe(false);
    });

    it("streams JSON lines to stdout when --out is not given", async () => {
      expect(await runCli(["logs", "export", "prod", "--from", "2026-03-01", "--to", "2026-03-02", "--workspace-id", WORKSPACE], deps())).toBe(0);
      const lines = stdout.join("").trim().split("\n");
      expect(lines).toHaveLength(48);
      expect(JSON.parse(lines[47]).TimeGenerated).toBe("2026-03-01T23:30:00.000Z");
      expect(la.requests[0].body.query).not.toContain("database_name_s in~");
    });

    it("leaves no file behind when the service refuses the call (exit 1, the failure named)", async () => {
      const out = path.join(dir, "denied.jsonl");
      const denied = { ...defaultDeps, logsClient: () => logsQueryClient({ credential: { getToken: async () => ({ token: "wrong", expiresOnTimestamp: Date.now() + 60_000 }) }, endpoint: la.endpoint, ca: la.ca }) };
      expect(await runCli(["logs", "export", "prod", "--from", "2026-03-01", "--to", "2026-03-02", "--workspace-id", WORKSPACE, "--out", out], denied)).toBe(1);
      expect(stderr.join("\n")).toMatch(/Log Analytics query failed: .*Valid authentication was not provided/);
      expect(existsSync(out)).toBe(false);
      expect(existsSync(`${out}.partial`)).toBe(false);
    });
  });
});
