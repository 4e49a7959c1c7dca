// Renders `forEach` statement templates: `{{col}}` → quoted identifier, `{{col:qualified}}` → quoted
// schema.name, `{{col:number}}` → number literal, `{{col:keyword}}` → bare word. Every substitution is validated.
import { assertKeyword, numberLiteral } from "./identifiers";
import type { Dialect } from "./types";

const TOKEN = /\{\{([A-Za-z_][A-Za-z0-9_]*)(?::(qualified|number|keyword))?\}\}/g;

export function hasTemplateTokens(sql: string): boolean {
  return /\{\{/.test(sql);
}

export function renderTemplate(sql: string, row: Record<string, unknown>, d: Dialect): string {
  const out = sql.replace(TOKEN, (_m, col: string, kind: string | undefined) => {
    if (!(col in row)) throw new Error(`template column "${col}" is missing from the driving row (has: ${Object.keys(row).join(", ")})`);
    const v = row[col];
    if (kind === "number") return numberLiteral(v);
    if (kind === "keyword") return assertKeyword(v);
    if (kind === "qualified") return d.quoteQualified(String(v));
    return d.quoteIdent(String(v));
  });
  if (hasTemplateTokens(out)) throw new Error(`unsupported template token in: ${sql.slice(0, 120)}`);
  return out;
}
