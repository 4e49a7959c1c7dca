// Schema pieces both stack kinds use, and the coercions Pulumi's config needs: the engine hands every scalar over
// as a string ("90", "true"), objects as JSON.
import { z } from "zod";
import { InputError } from "./errors";

export const NAMESPACE = "sqlfleet";

export const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "expected a GUID");

export const boolish = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean());

export const numberish = (schema: z.ZodNumber) => z.preprocess((v) => (typeof v === "string" && v.trim() !== "" && !isNaN(Number(v)) ? Number(v) : v), schema);

export const tags = z.record(z.string(), z.string().max(256));

/** Stack name kinds: `dev`, `prod` (environments) and `<env>-<customer>`. */
export const ENV_STACK = /^[a-z][a-z0-9]{1,11}$/;
export const CUSTOMER_STACK = /^([a-z][a-z0-9]{1,11})-([a-z][a-z0-9-]{0,30}[a-z0-9])$/;

export type StackKind = { kind: "environment"; env: string } | { kind: "customer"; env: string; customer: string };

export function stackKind(stack: string): StackKind {
  if (ENV_STACK.test(stack)) return { kind: "environment", env: stack };
  const m = CUSTOMER_STACK.exec(stack);
  if (m) return { kind: "customer", env: m[1], customer: m[2] };
  throw new InputError(
    `stack ${JSON.stringify(stack)}`,
    `the name is neither an environment (${ENV_STACK.source}, e.g. dev, prod) nor a customer stack (<env>-<customer>, e.g. prod-contoso)`,
  );
}

/**
 * Pulumi config map (`sqlfleet:key` → string) to a plain object of the project's keys: objects and arrays are
 * JSON; scalars stay strings and are coerced by the schemas.
 */
export function rawFromConfigMap(map: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(map)) {
    const [ns, key] = k.split(":", 2);
    if (ns !== NAMESPACE || !key) continue;
    const t = v.trim();
    out[key] = t.startsWith("{") || t.startsWith("[") ? JSON.parse(t) : v;
  }
  return out;
}

/** The inverse: a stack file's `config:` block to the string map the Pulumi engine would pass. */
export function configMapFromYaml(config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    if (v !== null && typeof v === "object" && "secure" in (v as object)) {
      throw new InputError(`config ${k}`, `is a secret ('secure:'); sqlfleet stacks keep no secrets in config (Entra auth, generated keys)`);
    }
    out[k] = typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
  }
  return out;
}
