// CSV and JSON-lines rendering: escaping, missing values, dates, dynamic values, formula cells.
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { rowFormatter } from "../../stacks/logs/writers";

const columns = ["TimeGenerated", "statement", "succeeded", "rows", "extra"];
const t = new Date("2026-01-31T08:15:30.123Z");
const rows = [
  [t, 'SELECT "a", b\nFROM t, u', true, 3, { k: [1, 2] }],
  [t, null, false, undefined, null],
  [t, "=HYPERLINK(\"http://x\")", "true", Number.NaN, "-- comment"],
];

describe("CSV writer", () => {
  it("writes a header once, quotes commas, quotes and line breaks, ISO dates, empty missing values", () => {
    const f = rowFormatter("csv", columns);
    const text = f.format(rows.slice(0, 2)) + f.format(rows.slice(2)) + f.end();
    expect(text.split("\n")[0]).toBe("TimeGenerated,statement,succeeded,rows,extra");
    expect(text).toContain('2026-01-31T08:15:30.123Z,"SELECT ""a"", b\nFROM t, u",true,3,"{""k"":[1,2]}"\n');
    expect(text).toContain("2026-01-31T08:15:30.123Z,,false,,\n");
    // A real CSV parser reads back what was written (formula cells carry the apostrophe guard).
    const back = parse(text, { columns: true }) as Record<string, string>[];
    expect(back).toEqual([
      { TimeGenerated: t.toISOString(), statement: 'SELECT "a", b\nFROM t, u', succeeded: "true", rows: "3", extra: '{"k":[1,2]}' },
      { TimeGenerated: t.toISOString(), statement: "", succeeded: "false", rows: "", extra: "" },
      { TimeGenerated: t.toISOString(), statement: "'=HYPERLINK(\"http://x\")", succeeded: "true", rows: "", extra: "'-- comment" },
    ]);
  });

  it("writes only the header for an export with no rows", () => {
    const f = rowFormatter("csv", columns);
    expect(f.format([])).toBe("");
    expect(f.end()).toBe("TimeGenerated,statement,succeeded,rows,extra\n");
    expect(f.end()).toBe("");
  });
});

describe("JSON-lines writer", () => {
  it("writes one object per line, dates ISO 8601, missing values null, values exact", () => {
    const f = rowFormatter("jsonl", columns);
    const text = f.format(rows) + f.end();
    const lines = text.split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe("");
    expect(lines.slice(0, 3).map((l) => JSON.parse(l))).toEqual([
      { TimeGenerated: "2026-01-31T08:15:30.123Z", statement: 'SELECT "a", b\nFROM t, u', succeeded: true, rows: 3, extra: { k: [1, 2] } },
      { TimeGenerated: "2026-01-31T08:15:30.123Z", statement: null, succeeded: false, rows: null, extra: null },
      { TimeGenerated: "2026-01-31T08:15:30.123Z", statement: '=HYPERLINK("http://x")', succeeded: "true", rows: null, extra: "-- comment" },
    ]);
    expect(rowFormatter("jsonl", columns).end()).toBe("");
  });
});
