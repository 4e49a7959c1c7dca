// Flag validation of `sqlfleet logs export`: ISO 8601 instants, from < to, known query and format.
import { describe, expect, it } from "vitest";
import { InputError } from "../../stacks/config/errors";
import { parseExportRequest, parseIsoInstant } from "../../stacks/logs/request";

const ok = { from: "2026-01-01", to: "2026-01-02" };

describe("logs export flags", () => {
  it("reads dates as UTC midnight and date-times with their zone", () => {
    expect(parseIsoInstant("--from", "2026-01-31").toISOString()).toBe("2026-01-31T00:00:00.000Z");
    expect(parseIsoInstant("--from", "2026-01-31T09:30+01:00").toISOString()).toBe("2026-01-31T08:30:00.000Z");
    expect(parseIsoInstant("--to", "2024-02-29T23:59:59.5Z").toISOString()).toBe("2024-02-29T23:59:59.500Z");
  });

  it.each(["2026-02-30", "2025-02-29", "2026-13-01", "2026-01-31T08:00", "2026-01-31T24:00Z", "31/01/2026", "now", ""])("refuses %j naming the flag", (raw) => {
    expect(() => parseIsoInstant("--from", raw)).toThrow(InputError);
    expect(() => parseIsoInstant("--from", raw)).toThrow(/^--from/);
  });

  it("defaults to all events as JSON lines in one-day windows", () => {
    expect(parseExportRequest(ok)).toMatchObject({ kind: "all", format: "jsonl", windowMs: 86_400_000, from: new Date("2026-01-01T00:00:00Z"), to: new Date("2026-01-02T00:00:00Z") });
  });

  it.each([
    [{ ...ok, to: "2026-01-01" }, "--to", /must be after --from/],
    [{ ...ok, query: "logins" }, "--query", /allowed: failed-logins, permission-changes, schema-changes, all/],
    [{ ...ok, format: "xlsx" }, "--format", /allowed: csv, jsonl/],
    [{ ...ok, windowHours: "0" }, "--window-hours", /from 1 to 744/],
    [{ ...ok, windowHours: "1.5" }, "--window-hours", /from 1 to 744/],
    [{ ...ok, workspaceId: "log-sqlfprod-prod" }, "--workspace-id", /GUID/],
  ] as const)("refuses %j naming %s", (flags, subject, allowed) => {
    let err: unknown;
    try {
      parseExportRequest(flags);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).subject).toBe(subject);
    expect((err as Error).message).toMatch(allowed);
  });
});
