// The KQL `logs export` sends per window: source, half-open time filter, the kind's filter, the customer's
// databases, projection, order and the row cap.
import { describe, expect, it } from "vitest";
import { AUDIT_QUERIES } from "../../components";
import { exportQuery, kqlString } from "../../stacks/logs/query";

const w = { start: new Date("2026-01-01T00:00:00Z"), end: new Date("2026-01-02T00:00:00Z") };

describe("export query text", () => {
  it("filters the audit category and the window half-open, oldest first, one row above the page", () => {
    const q = exportQuery("all", w, { maxRows: 1000 });
    expect(q.split("\n")).toEqual([
      "AzureDiagnostics",
      '| where Category == "SQLSecurityAuditEvents"',
      "| where TimeGenerated >= datetime(2026-01-01T00:00:00.000Z) and TimeGenerated < datetime(2026-01-02T00:00:00.000Z)",
      `| project ${AUDIT_QUERIES.find((x) => x.kind === "all")!.columns}`,
      "| order by TimeGenerated asc",
      "| take 1001",
    ]);
  });

  it.each([
    ["failed-logins", '| where action_name_s == "DATABASE AUTHENTICATION FAILED" or (action_id_s == "DBAF")', "reason = additional_information_s"],
    ["permission-changes", '| where action_id_s in ("G", "GWG", "D", "R", "APRL", "DPRL") or statement_s matches regex', "statement = statement_s"],
    ["schema-changes", "| where statement_s matches regex @\"(?i)^\\s*(CREATE|ALTER|DROP)", "principal = server_principal_name_s"],
  ] as const)("%s uses its saved search's filter and projection after the time filter", (kind, filter, column) => {
    const lines = exportQuery(kind, w, { maxRows: 10 }).split("\n");
    expect(lines[2]).toMatch(/^\| where TimeGenerated >= datetime\(/);
    expect(lines[3].startsWith(filter)).toBe(true);
    expect(lines[4]).toContain(column);
    expect(lines.slice(-2)).toEqual(["| order by TimeGenerated asc", "| take 11"]);
  });

  it("limits a customer stack to its databases, with KQL string escaping", () => {
    const q = exportQuery("failed-logins", w, { maxRows: 10, databases: ["cigna-fhir", 'we"ird\\db'] });
    expect(q).toContain('| where database_name_s in~ ("cigna-fhir", "we\\"ird\\\\db")');
    expect(kqlString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(exportQuery("all", w, { maxRows: 10 })).not.toContain("database_name_s in~");
  });
});
