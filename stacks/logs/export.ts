// `sqlfleet logs export`: runs the audit query window by window through the Log Analytics query API and streams
// the rows to a sink as CSV or JSON lines. A window that comes back fuller than a page (or partial, e.g. over the
// API's size limit) is split in half and queried again, so the export neither truncates nor reads an event twice.
// Azure Monitor's documented Log Analytics query API limits: 500,000 rows and about 100 MB per result.
import type { AuditQueryKind } from "../../components/audit-queries";
import { exportQuery } from "./query";
import { bisect, splitRange, type TimeWindow } from "./windows";
import { rowFormatter, type Cell, type ExportFormat } from "./writers";

/** The part of the SDK's LogsQueryClient the export uses (the real client satisfies it). */
export interface LogsQuery {
  queryWorkspace(workspaceId: string, query: string, timespan: { startTime: Date; endTime: Date }, options?: { serverTimeoutInSeconds?: number }): Promise<LogsResult>;
}

interface LogsTableLike {
  columnDescriptors: { name?: string }[];
  rows: unknown[][];
}
type LogsResult =
  | { status: "Success"; tables: LogsTableLike[] }
  | { status: "PartialFailure"; partialTables: LogsTableLike[]; partialError: { code?: string; message?: string } };

export interface ExportProgress {
  /** Milliseconds of the range exported so far / in total. */
  doneMs: number;
  totalMs: number;
  rows: number;
  queries: number;
  window: TimeWindow;
}

export interface ExportOptions {
  client: LogsQuery;
  workspaceId: string;
  kind: AuditQueryKind;
  from: Date;
  to: Date;
  format: ExportFormat;
  /** Initial window length; default one day. */
  windowMs?: number;
  /** Rows per query at most (default 20,000: long statements keep a page well under the size limit). */
  maxRows?: number;
  databases?: readonly string[];
  write(chunk: string): void | Promise<void>;
  onProgress?(p: ExportProgress): void;
}

export interface ExportResult {
  rows: number;
  queries: number;
  /** The windows whose rows were written, in order (they tile [from, to)). */
  windows: TimeWindow[];
  columns: string[];
}

export const DEFAULT_WINDOW_MS = 86_400_000;
export const DEFAULT_MAX_ROWS = 20_000;

export class ExportError extends Error {
  readonly kind = "export-failed";
}

export async function exportLogs(o: ExportOptions): Promise<ExportResult> {
  const maxRows = o.maxRows ?? DEFAULT_MAX_ROWS;
  const totalMs = o.to.getTime() - o.from.getTime();
  const pending = splitRange(o.from, o.to, o.windowMs ?? DEFAULT_WINDOW_MS).reverse();
  const done: TimeWindow[] = [];
  let formatter: ReturnType<typeof rowFormatter> | undefined;
  let columns: string[] = [];
  let rows = 0;
  let queries = 0;
  let doneMs = 0;
  for (let w = pending.pop(); w; w = pending.pop()) {
    const kql = exportQuery(o.kind, w, { databases: o.databases, maxRows });
    queries++;
    // The timespan covers the window; the KQL's own half-open filter is what makes windows disjoint.
    const result = await o.client.queryWorkspace(o.workspaceId, kql, { startTime: w.start, endTime: w.end }, { serverTimeoutInSeconds: 600 });
    const table = result.status === "Success" ? result.tables[0] : undefined;
    const tooMany = table !== undefined && table.rows.length > maxRows;
    if (result.status !== "Success" || tooMany) {
      const halves = bisect(w);
      if (!halves) {
        const why = tooMany ? `more than ${maxRows} events in one millisecond` : `${result.status === "PartialFailure" ? (result.partialError.code ?? "") + " " + (result.partialError.message ?? "") : ""}`.trim();
        throw new ExportError(`Log Analytics could not return the window ${w.start.toISOString()}–${w.end.toISOString()} whole: ${why}`);
      }
      pending.push(halves[1], halves[0]);
      continue;
    }
    if (!table) throw new ExportError(`Log Analytics returned no table for ${w.start.toISOString()}–${w.end.toISOString()}`);
    if (!formatter) {
      columns = table.columnDescriptors.map((c, i) => c.name ?? `column${i}`);
      formatter = rowFormatter(o.format, columns);
    }
    const text = formatter.format(table.rows as Cell[][]);
    if (text) await o.write(text);
    rows += table.rows.length;
    doneMs += w.end.getTime() - w.start.getTime();
    done.push(w);
    o.onProgress?.({ doneMs, totalMs, rows, queries, window: w });
  }
  const tail = formatter?.end() ?? "";
  if (tail) await o.write(tail);
  return { rows, queries, windows: done, columns };
}
