// CSV and JSON-lines rendering of Log Analytics rows. JSON lines keep values exact (dates as ISO 8601, dynamic
// columns as objects, missing values as null). CSV is for spreadsheets: csv-stringify quotes commas, quotes and
// line breaks (RFC 4180), dates are ISO 8601, booleans true/false, dynamic values JSON, missing values empty, and
// cells starting with = + - @ get a leading apostrophe so a spreadsheet does not run an audited statement as a
// formula (the JSON-lines export is the one to use as evidence).
import { stringify } from "csv-stringify/sync";

export type ExportFormat = "csv" | "jsonl";
export const EXPORT_FORMATS: readonly ExportFormat[] = ["csv", "jsonl"];

export type Cell = string | number | boolean | Date | Record<string, unknown> | null | undefined;

export interface RowFormatter {
  /** Text for one page of rows; the CSV header comes before the first page's rows. */
  format(rows: readonly (readonly Cell[])[]): string;
  /** Text to end the file with (the CSV header alone when no page had rows). */
  end(): string;
}

function jsonValue(v: Cell): unknown {
  if (v === undefined) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (typeof v === "number" && !Number.isFinite(v)) return null;
  return v;
}

export function rowFormatter(format: ExportFormat, columns: readonly string[]): RowFormatter {
  if (format === "jsonl") {
    return {
      format: (rows) => rows.map((r) => `${JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, jsonValue(r[i])])))}\n`).join(""),
      end: () => "",
    };
  }
  let headerWritten = false;
  const csv = (rows: readonly (readonly Cell[])[], header: boolean) =>
    stringify(rows.map((r) => columns.map((_, i) => r[i] ?? null)) as unknown[][], {
      header,
      columns: [...columns],
      record_delimiter: "unix",
      escape_formulas: true,
      cast: {
        date: (d) => (Number.isNaN(d.getTime()) ? "" : d.toISOString()),
        boolean: (b) => (b ? "true" : "false"),
        object: (o) => JSON.stringify(o),
        number: (n) => (Number.isFinite(n) ? String(n) : ""),
      },
    });
  return {
    format(rows) {
      if (rows.length === 0) return "";
      const text = csv(rows, !headerWritten);
      headerWritten = true;
      return text;
    },
    end() {
      if (headerWritten) return "";
      headerWritten = true;
      return csv([], true);
    },
  };
}
