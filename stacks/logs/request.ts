// The flags of `sqlfleet logs export`, checked before anything is read or queried: every problem is an InputError
// naming the flag and what is allowed (exit 2).
import type { AuditQueryKind } from "../../components/audit-queries";
import { InputError } from "../config/errors";
import { EXPORT_KINDS } from "./query";
import { EXPORT_FORMATS, type ExportFormat } from "./writers";

export interface ExportFlags {
  from?: string;
  to?: string;
  query?: string;
  format?: string;
  out?: string;
  workspaceId?: string;
  windowHours?: string;
}

export interface ExportRequest {
  from: Date;
  to: Date;
  kind: AuditQueryKind;
  format: ExportFormat;
  out?: string;
  workspaceId?: string;
  windowMs: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_HINT = "an ISO 8601 date (2026-01-31, UTC midnight) or date-time with a zone (2026-01-31T08:00:00Z, 2026-01-31T09:00+01:00)";

/** Parses an ISO 8601 date or zoned date-time; rejects impossible dates (2026-02-30) rather than rolling them over. */
export function parseIsoInstant(flag: string, raw: string | undefined): Date {
  if (raw === undefined || raw === "") throw new InputError(flag, `${flag} is required: ${ISO_HINT}`);
  const m = DATE.exec(raw) ?? DATE_TIME.exec(raw);
  const bad = () => new InputError(flag, `${flag} = ${JSON.stringify(raw)} is not ${ISO_HINT}`);
  if (!m) throw bad();
  const [y, mo, d, h = "0", mi = "0", s = "0"] = m.slice(1).map((x) => x ?? undefined) as string[];
  const calendar = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  const realDay = calendar.getUTCFullYear() === Number(y) && calendar.getUTCMonth() === Number(mo) - 1 && calendar.getUTCDate() === Number(d);
  if (!realDay || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) throw bad();
  const t = new Date(m.length === 4 ? `${raw}T00:00:00Z` : raw);
  if (Number.isNaN(t.getTime())) throw bad();
  return t;
}

export function parseExportRequest(f: ExportFlags): ExportRequest {
  const from = parseIsoInstant("--from", f.from);
  const to = parseIsoInstant("--to", f.to);
  if (from.getTime() >= to.getTime()) throw new InputError("--to", `--to (${to.toISOString()}) must be after --from (${from.toISOString()})`);
  const kind = (f.query ?? "all") as AuditQueryKind;
  if (!EXPORT_KINDS.includes(kind)) throw new InputError("--query", `--query = ${JSON.stringify(f.query)}; allowed: ${EXPORT_KINDS.join(", ")}`);
  const format = (f.format ?? "jsonl") as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new InputError("--format", `--format = ${JSON.stringify(f.format)}; allowed: ${EXPORT_FORMATS.join(", ")}`);
  const hours = f.windowHours === undefined ? 24 : Number(f.windowHours);
  if (!Number.isInteger(hours) || hours < 1 || hours > 744) throw new InputError("--window-hours", `--window-hours = ${JSON.stringify(f.windowHours)}; allowed: an integer from 1 to 744`);
  if (f.workspaceId !== undefined && !GUID.test(f.workspaceId)) {
    throw new InputError("--workspace-id", `--workspace-id = ${JSON.stringify(f.workspaceId)} is not a workspace id (the GUID "Workspace ID" of the Log Analytics workspace)`);
  }
  if (f.out !== undefined && f.out === "") throw new InputError("--out", "--out needs a file name");
  return { from, to, kind, format, out: f.out, workspaceId: f.workspaceId, windowMs: hours * 3_600_000 };
}
