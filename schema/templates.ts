// Renders `forEach` statement templates: `{{col}}` → quoted identifier, `{{col:qualified}}` → quoted
// schema.name, `{{col:number}}` → number literal, `{{col:keyword}}` → bare word, `{{col:option}}` → a
// number or a bare word (a reloption value), `{{col:functiondef}}` → a
// function definition captured from pg_get_functiondef as the whole statement (so a rollback can put the
// application's own function back byte for byte). Every substitution is validated.
import { assertKeyword, numberLiteral } from "./identifiers";
import type { Dialect } from "./types";

const TOKEN = /\{\{([A-Za-z_][A-Za-z0-9_]*)(?::(qualified|number|keyword|option|functiondef))?\}\}/g;

export function hasTemplateTokens(sql: string): boolean {
  return /\{\{/.test(sql);
}

const FUNCTION_DEF = /^CREATE OR REPLACE FUNCTION [A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*\(/;

/** A captured definition replays only as a statement of its own, and only as CREATE OR REPLACE FUNCTION. */
function functionDefinition(col: string, v: unknown): string {
  if (typeof v !== "string" || !FUNCTION_DEF.test(v)) {
    throw new Error(`template column "${col}" is not a CREATE OR REPLACE FUNCTION definition from pg_get_functiondef`);
  }
  return v;
}

export function renderTemplate(sql: string, row: Record<string, unknown>, d: Dialect): string {
  const whole = /^\{\{([A-Za-z_][A-Za-z0-9_]*):functiondef\}\}$/.exec(sql.trim());
  if (whole) {
    if (!(whole[1] in row)) throw new Error(`template column "${whole[1]}" is missing from the driving row (has: ${Object.keys(row).join(", ")})`);
    return functionDefinition(whole[1], row[whole[1]]);
  }
  const out = sql.replace(TOKEN, (_m, col: string, kind: string | undefined) => {
    if (!(col in row)) throw new Error(`template column "${col}" is missing from the driving row (has: ${Object.keys(row).join(", ")})`);
    const v = row[col];
    if (kind === "functiondef") throw new Error(`template {{${col}:functiondef}} must be the whole statement`);
    if (kind === "number") return numberLiteral(v);
    if (kind === "keyword") return assertKeyword(v);
    // A reloption value: a number (fillfactor=70) or a word (autovacuum_enabled=true).
    if (kind === "option") return /^-?[0-9]/.test(String(v)) ? numberLiteral(Number(v)) : assertKeyword(v);
    if (kind === "qualified") return d.quoteQualified(String(v));
    return d.quoteIdent(String(v));
  });
  if (hasTemplateTokens(out)) throw new Error(`unsupported template token in: ${sql.slice(0, 120)}`);
  return out;
}
