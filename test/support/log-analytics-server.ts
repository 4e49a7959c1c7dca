// A loopback stand-in for the Log Analytics query API (POST {endpoint}/workspaces/{id}/query) — the only stand-in
// for Azure Monitor in the logs tests. It answers in the documented response shape ({tables: [{name, columns:
// [{name, type}], rows}]}, plus `error` for a partial result) from an in-memory list of audit events, filtered to
// the request's timespan half-open like the KQL's own filter and capped by the query's `take`. HTTPS with a
// throw-away self-signed certificate: the SDK refuses to send a bearer token over plain HTTP.
import type { AccessToken, TokenCredential } from "@azure/identity";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const FAKE_TOKEN = "fake-token-for-loopback";

/** A TokenCredential that hands out a fixed token (no Entra involved). */
export const fakeCredential: TokenCredential & { scopes: string[] } = {
  scopes: [],
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    fakeCredential.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return { token: FAKE_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};

export function opensslAvailable(): boolean {
  return spawnSync("openssl", ["version"]).status === 0;
}

export interface AuditEvent {
  TimeGenerated: string;
  database: string;
  principal: string;
  action: string;
  succeeded: string;
  statement: string | null;
}

export const COLUMNS = [
  { name: "TimeGenerated", type: "datetime" },
  { name: "database", type: "string" },
  { name: "principal", type: "string" },
  { name: "action", type: "string" },
  { name: "succeeded", type: "string" },
  { name: "statement", type: "string" },
];

export interface RecordedRequest {
  path: string;
  authorization?: string;
  prefer?: string;
  body: { query: string; timespan?: string };
  rowsReturned: number;
}

export interface LoopbackLogAnalytics {
  /** Base URL with the API version path, as the SDK's `endpoint` option takes it. */
  endpoint: string;
  ca: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startLogAnalytics(events: AuditEvent[], opts: { partialAbove?: number } = {}): Promise<LoopbackLogAnalytics> {
  const dir = mkdtempSync(path.join(tmpdir(), "sqlfleet-la-"));
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    const key = readFileSync(path.join(dir, "key.pem"), "utf8");
    const cert = readFileSync(path.join(dir, "cert.pem"), "utf8");
    const requests: RecordedRequest[] = [];
    const server: Server = createServer({ key, cert }, (req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
      req.on("end", () => {
        const body = JSON.parse(raw || "{}") as { query: string; timespan?: string };
        const m = /^\/v1\/workspaces\/([^/]+)\/query$/.exec(req.url ?? "");
        const rec: RecordedRequest = { path: req.url ?? "", authorization: req.headers.authorization, prefer: req.headers.prefer as string | undefined, body, rowsReturned: 0 };
        requests.push(rec);
        const send = (status: number, payload: unknown) => {
          res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
          res.end(JSON.stringify(payload));
        };
        if (req.method !== "POST" || !m) return send(404, { error: { code: "PathNotFoundError", message: `no route ${req.method} ${req.url}` } });
        if (req.headers.authorization !== `Bearer ${FAKE_TOKEN}`) return send(401, { error: { code: "AuthorizationRequiredError", message: "Valid authentication was not provided" } });
        const [start, end] = (body.timespan ?? "").split("/").map((s) => new Date(s).getTime());
        if (!Number.isFinite(start) || !Number.isFinite(end)) return send(400, { error: { code: "BadArgumentError", message: "timespan must be start/end" } });
        const take = Number(/\| take (\d+)\s*$/.exec(body.query)?.[1] ?? Infinity);
        const inWindow = events.filter((e) => {
          const t = new Date(e.TimeGenerated).getTime();
          return t >= start && t < end;
        });
        const rows = inWindow.slice(0, take).map((e) => COLUMNS.map((c) => e[c.name as keyof AuditEvent]));
        rec.rowsReturned = rows.length;
        const table = { name: "PrimaryResult", columns: COLUMNS, rows };
        if (opts.partialAbove !== undefined && inWindow.length > opts.partialAbove) {
          rec.rowsReturned = 0;
          // A partial result: the documented shape carries the tables so far and an error.
          return send(200, { tables: [{ ...table, rows: rows.slice(0, opts.partialAbove) }], error: { code: "PartialError", message: "There were some errors when processing your query.", details: [{ code: "EngineError", message: "Query result set has exceeded the internal data size limit", innererror: { code: "E_QUERY_RESULT_SET_TOO_LARGE" } }] } });
        }
        send(200, { tables: [table] });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
      endpoint: `https://127.0.0.1:${port}/v1`,
      ca: cert,
      requests,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `n` audit events spread evenly from `from` on, `stepMs` apart. */
export function auditEvents(from: string, n: number, stepMs: number): AuditEvent[] {
  const t0 = new Date(from).getTime();
  return Array.from({ length: n }, (_, i) => ({
    TimeGenerated: new Date(t0 + i * stepMs).toISOString(),
    database: i % 3 === 0 ? "cigna-fhir" : "northwell-fhir",
    principal: `user${i % 5}`,
    action: i % 2 === 0 ? "DATABASE AUTHENTICATION FAILED" : "BATCH COMPLETED",
    succeeded: i % 2 === 0 ? "false" : "true",
    statement: i % 7 === 0 ? null : `SELECT ${i}, 'a,b' FROM "t"`,
  }));
}
