// Identifier validation shared by the dialects: only plain words are ever spliced into SQL text; values are
// always parameters. Errors name the offending value and the allowed form.

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function assertIdentifier(name: unknown, maxLength: number, what = "identifier"): string {
  if (typeof name !== "string" || !IDENT.test(name) || name.length > maxLength) {
    throw new Error(
      `invalid ${what} ${JSON.stringify(name)}: must match ${IDENT} and be at most ${maxLength} characters`,
    );
  }
  return name;
}

/** Splits "schema.table" into validated parts (exactly one or two parts). */
export function splitQualified(name: string, maxLength: number): string[] {
  const parts = String(name).split(".");
  if (parts.length < 1 || parts.length > 2) throw new Error(`invalid qualified name ${JSON.stringify(name)}: use "schema.name"`);
  return parts.map((p) => assertIdentifier(p, maxLength, "qualified-name part"));
}

/** An unquoted keyword such as a reloption name. */
export function assertKeyword(word: unknown): string {
  return assertIdentifier(word, 63, "keyword");
}

/** A finite number literal. */
export function numberLiteral(v: unknown): string {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n)) throw new Error(`invalid number ${JSON.stringify(v)} in SQL template`);
  return String(n);
}
