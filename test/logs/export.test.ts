// The export loop: every event of the range exactly once, in order; over-full or partial windows are split and
// re-queried; a window that cannot be split further fails with the window named.
import { describe, expect, it } from "vitest";
import { exportLogs, ExportError, type LogsQuery } from "../../stacks/logs/export";
import type { TimeWindow } from "../../stacks/logs/windows";

const COLS = [{ name: "TimeGenerated" }, { name: "n" }];

/** Events at the given instants; answers each query with the events of its timespan, half-open, capped by `take`. */
function fakeWorkspace(instants: number[], opts: { partialAbove?: number } = {}) {
  const calls: { window: TimeWindow; query: string; returned: number }[] = [];
  const client: LogsQuery = {
    async queryWorkspace(_id, query, span) {
      const take = Number(/\| take (\d+)$/.exec(query)![1]);
      const hits = instants.map((t, n) => ({ t, n })).filter((e) => e.t >= span.startTime.getTime() && e.t < span.endTime.getTime());
      const rows = hits.slice(0, take).map((e) => [new Date(e.t), e.n]);
      calls.push({ window: { start: span.startTime, end: span.endTime }, query, returned: rows.length });
      if (opts.partialAbove !== undefined && hits.length > opts.partialAbove) {
        return { status: "PartialFailure", partialTables: [{ columnDescriptors: COLS, rows: rows.slice(0, opts.partialAbove) }], partialError: { code: "PartialError", message: "result set too large" } };
      }
      return { status: "Success", tables: [{ columnDescriptors: COLS, rows }] };
    },
  };
  return { client, calls };
}

const FROM = new Date("2026-01-01T00:00:00Z");
const TO = new Date("2026-01-05T00:00:00Z");
const H = 3_600_000;

async function run(instants: number[], o: { maxRows?: number; windowMs?: number; partialAbove?: number } = {}) {
  const { client, calls } = fakeWorkspace(instants, { partialAbove: o.partialAbove });
  let out = "";
  const progress: number[] = [];
  const result = await exportLogs({ client, workspaceId: "w", kind: "all", from: FROM, to: TO, format: "jsonl", windowMs: o.windowMs ?? 24 * H, maxRows: o.maxRows ?? 1000, write: (s) => void (out += s), onProgress: (p) => progress.push(p.doneMs / p.totalMs) });
  const exported = out.trim() ? out.trim().split("\n").map((l) => (JSON.parse(l) as { n: number }).n) : [];
  return { result, calls, exported, progress };
}

describe("exportLogs paging", () => {
  it("reads every event exactly once, oldest first, including events on window boundaries", async () => {
    // Events on each midnight boundary and a burst inside a day.
    const instants = [FROM.getTime(), FROM.getTime() + 24 * H, FROM.getTime() + 24 * H - 1, FROM.getTime() + 48 * H, ...Array.from({ length: 50 }, (_, i) => FROM.getTime() + 60 * H + i * 1000), TO.getTime() - 1, TO.getTime()];
    instants.sort((a, b) => a - b);
    const { result, calls, exported, progress } = await run(instants);
    const inRange = instants.map((t, n) => ({ t, n })).filter((e) => e.t < TO.getTime()).map((e) => e.n);
    expect(exported).toEqual(inRange);
    expect(result.rows).toBe(inRange.length);
    expect(calls.map((c) => c.window.start.toISOString())).toEqual(["2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z", "2026-01-03T00:00:00.000Z", "2026-01-04T00:00:00.000Z"]);
    expect(progress).toEqual([0.25, 0.5, 0.75, 1]);
  });

  it("splits a window holding more than a page until each query fits, without losing or repeating a row", async () => {
    const instants = Array.from({ length: 2000 }, (_, i) => FROM.getTime() + 30 * H + i * 700); // ~23 minutes of dense events
    const { result, calls, exported } = await run(instants, { maxRows: 300 });
    expect(exported).toEqual(instants.map((_, n) => n));
    expect(result.windows.length).toBeGreaterThan(7);
    // Written windows tile the range; no successful query returned more than a page.
    for (let i = 1; i < result.windows.length; i++) expect(result.windows[i].start.getTime()).toBe(result.windows[i - 1].end.getTime());
    expect(result.windows[0].start).toEqual(FROM);
    expect(result.windows.at(-1)!.end).toEqual(TO);
    const key = (w: TimeWindow) => `${w.start.getTime()}/${w.end.getTime()}`;
    const written = new Set(result.windows.map(key));
    const writtenCalls = calls.filter((c) => written.has(key(c.window)));
    expect(writtenCalls).toHaveLength(result.windows.length);
    for (const c of writtenCalls) expect(c.returned).toBeLessThanOrEqual(300);
    for (const c of calls) expect(c.returned).toBeLessThanOrEqual(301); // `take maxRows + 1`: an over-full window costs one extra row
    expect(calls.filter((c) => c.returned === 301).length).toBe(calls.length - writtenCalls.length); // the probes that caused the splits
    expect(result.queries).toBe(calls.length);
  });

  it("splits a window the service answers only partially (size limit) and fails when a 1 ms window is still too big", async () => {
    const instants = Array.from({ length: 400 }, (_, i) => FROM.getTime() + 10 * H + i * 5000);
    const { exported, calls } = await run(instants, { partialAbove: 100 });
    expect(exported).toEqual(instants.map((_, n) => n));
    expect(calls.length).toBeGreaterThan(4);
    const sameMs = Array.from({ length: 5 }, () => FROM.getTime() + H);
    const err = await run(sameMs, { maxRows: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportError);
    expect((err as Error).message).toMatch(/window 2026-01-01T01:00:00.000Z–2026-01-01T01:00:00.001Z whole: more than 2 events in one millisecond/);
  });

  it("writes the CSV header even when the range has no events", async () => {
    const { client } = fakeWorkspace([]);
    let out = "";
    const r = await exportLogs({ client, workspaceId: "w", kind: "failed-logins", from: FROM, to: TO, format: "csv", write: (s) => void (out += s) });
    expect(out).toBe("TimeGenerated,n\n");
    expect(r).toMatchObject({ rows: 0, queries: 4, columns: ["TimeGenerated", "n"] });
  });
});
