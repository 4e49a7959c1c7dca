// The KQL `sqlfleet logs export` runs per window: the saved audit query's filter and projection, a half-open time
// filter (the API's timespan is inclusive at both ends, so windows would overlap on the boundary without it),
// an optional database filter for a customer stack, oldest first, and a row cap one above the page size so an
// over-full window is detected rather than silently truncated.
import { AUDIT_SOURCE, auditQueryOf, type AuditQueryKind } from "../../components/audit-queries";
import type { TimeWindow } from "./windows";

export const EXPORT_KINDS: readonly AuditQueryKind[] = ["failed-logins", "permission-changes", "schema-changes", "all"];

/** KQL string literal (double-quoted, backslash and quote escaped). */
export function kqlString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export interface ExportQueryOptions {
  /** Only these databases (a customer stack's); all when undefined. */
  databases?: readonly string[];
  /** The query returns at most maxRows + 1 rows. */
  maxRows: number;
}

export function exportQuery(kind: AuditQueryKind, w: TimeWindow, opts: ExportQueryOptions): string {
  const q = auditQueryOf(kind);
  const lines = [
    AUDIT_SOURCE,
    `| where TimeGenerated >= datetime(${w.start.toISOString()}) and TimeGenerated < datetime(${w.end.toISOString()})`,
    q.filter,
    opts.databases ? `| where database_name_s in~ (${opts.databases.map(kqlString).join(", ")})` : "",
    `| project ${q.columns}`,
    "| order by TimeGenerated asc",
    `| take ${opts.maxRows + 1}`,
  ];
  return lines.filter((l) => l.length > 0).join("\n");
}
