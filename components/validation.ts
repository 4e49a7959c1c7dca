// Constructor-time validation of plain argument values: every error names the component, the field, the value
// and what is allowed, and is thrown before any child resource exists.

export class ComponentValidationError extends Error {
  constructor(
    readonly component: string,
    readonly resourceName: string,
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${component} "${resourceName}": invalid ${field} = ${show(value)}; allowed: ${allowed}`);
    this.name = "ComponentValidationError";
  }
}

function show(v: unknown): string {
  if (v === undefined) return "(not set)";
  if (typeof v === "string") return JSON.stringify(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A small checker bound to one component instance, so call sites stay one line each. */
export class Validator {
  constructor(
    private readonly component: string,
    private readonly resourceName: string,
  ) {}

  fail(field: string, value: unknown, allowed: string): never {
    throw new ComponentValidationError(this.component, this.resourceName, field, value, allowed);
  }

  check(ok: boolean, field: string, value: unknown, allowed: string): void {
    if (!ok) this.fail(field, value, allowed);
  }

  oneOf<T>(field: string, value: T, allowed: readonly T[]): void {
    if (!allowed.includes(value)) this.fail(field, value, `one of ${allowed.map((a) => show(a)).join(", ")}`);
  }

  intRange(field: string, value: number, min: number, max: number): void {
    if (!Number.isInteger(value) || value < min || value > max) this.fail(field, value, `an integer from ${min} to ${max}`);
  }

  numRange(field: string, value: number, min: number, max: number, unit = ""): void {
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
      this.fail(field, value, `${min}${unit} to ${max}${unit}`);
    }
  }

  pattern(field: string, value: string, re: RegExp, what: string): void {
    if (typeof value !== "string" || !re.test(value)) this.fail(field, value, what);
  }

  required<T>(field: string, value: T | undefined | null, what: string): asserts value is T {
    if (value === undefined || value === null || value === "") this.fail(field, value, what);
  }
}

/** ISO-8601 duration as Key Vault and LTR accept it (P1Y, P30D, P12W, P12M, P10Y). */
export const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/;
