// Windows tile the export range exactly: consecutive, no gaps, no overlaps, bisecting keeps the tiling.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bisect, splitRange, type TimeWindow } from "../../stacks/logs/windows";

function expectTiling(ws: TimeWindow[], from: number, to: number) {
  expect(ws[0].start.getTime()).toBe(from);
  expect(ws[ws.length - 1].end.getTime()).toBe(to);
  for (const x of ws) expect(x.end.getTime()).toBeGreaterThan(x.start.getTime());
  for (let i = 1; i < ws.length; i++) expect(ws[i].start.getTime()).toBe(ws[i - 1].end.getTime());
}

describe("time windows", () => {
  it("splits a range into whole windows and a shorter last one", () => {
    const from = new Date("2026-01-01T00:00:00Z");
    const to = new Date("2026-01-03T12:00:00Z");
    const ws = splitRange(from, to, 86_400_000);
    expect(ws.map((x) => [x.start.toISOString(), x.end.toISOString()])).toEqual([
      ["2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z"],
      ["2026-01-02T00:00:00.000Z", "2026-01-03T00:00:00.000Z"],
      ["2026-01-03T00:00:00.000Z", "2026-01-03T12:00:00.000Z"],
    ]);
  });

  it("covers any range exactly, and so do windows bisected any number of times", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 10 ** 9 }), fc.integer({ min: 1, max: 500 }), fc.array(fc.nat(), { maxLength: 20 }), (from, len, parts, picks) => {
        // At most `parts` windows, of any length from 1 ms up.
        const win = Math.max(1, Math.ceil(len / parts));
        let ws = splitRange(new Date(from), new Date(from + len), win);
        expect(ws.length).toBe(Math.ceil(len / win));
        expectTiling(ws, from, from + len);
        for (const p of picks) {
          const i = p % ws.length;
          const halves = bisect(ws[i]);
          if (halves) ws = [...ws.slice(0, i), ...halves, ...ws.slice(i + 1)];
        }
        expectTiling(ws, from, from + len);
      }),
    );
  });

  it("cannot bisect a window shorter than 2 ms, and refuses a zero window", () => {
    const t = new Date("2026-01-01T00:00:00Z");
    expect(bisect({ start: t, end: new Date(t.getTime() + 1) })).toBeUndefined();
    expect(bisect({ start: t, end: new Date(t.getTime() + 2) })?.map((x) => x.end.getTime() - x.start.getTime())).toEqual([1, 1]);
    expect(() => splitRange(t, new Date(t.getTime() + 10), 0)).toThrow(/at least 1 ms/);
  });
});
