// SHA-256 checksums of migration definitions: canonical JSON (sorted keys) with normalised SQL text (LF line
// endings, trailing spaces trimmed), so the same definition hashes the same on every machine and loader.
import type { ChecksummedSet, Migration, MigrationSet } from "./types";

/** Normalises SQL text so whitespace-only edits at line ends do not change the checksum. */
export function normaliseSql(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.replace(/[ \t]+$/, ""))
    .join("\n")
    .trim();
}

/** JSON with object keys sorted; strings normalised as SQL (harmless for non-SQL strings). */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return "null";
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  if (typeof value === "string") return JSON.stringify(normaliseSql(value));
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

export function sha256(text: string): string {
  // Required inside the function: a module-level import would not serialize into the dynamic provider.
  const crypto: typeof import("node:crypto") = require("node:crypto");
  return crypto.createHash("sha256").update(text, "utf8").digest("hex");
}

/** Checksum of one migration: its id and steps (options reach it only through its statements and params). */
export function migrationChecksum(m: Migration): string {
  return sha256(canonicalJson(m));
}

/** Adds the set checksum and per-migration checksums. */
export function withChecksums(set: MigrationSet): ChecksummedSet {
  const migrationChecksums: Record<string, string> = {};
  for (const m of set.migrations) migrationChecksums[m.id] = migrationChecksum(m);
  const checksum = sha256(
    canonicalJson({
      name: set.name,
      engine: set.engine,
      options: set.options,
      migrations: set.migrations.map((m) => migrationChecksums[m.id]),
    }),
  );
  return { ...set, checksum, migrationChecksums };
}
