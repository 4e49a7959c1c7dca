// The pack's configuration: per-policy JSON-schema properties (the subset Pulumi's policy config supports), their
// defaults, and validation of a policy-config file (the format of `pulumi preview --policy-pack-config`).
import type { EnforcementLevel } from "@pulumi/policy";

export type ConfigProperty =
  | { type: "boolean"; description: string; default?: boolean }
  | { type: "integer"; description: string; default?: number; minimum?: number; maximum?: number }
  | { type: "string"; description: string; default?: string; enum?: string[]; pattern?: string }
  | { type: "array"; description: string; default?: (string | number)[]; items: { type: "string" | "integer"; enum?: (string | number)[] } };

export type ConfigSchema = Record<string, ConfigProperty>;

/** Config of one policy after defaults and overrides are merged (validated against its schema). */
export type ResolvedConfig = Readonly<Record<string, unknown>>;

/** `pulumi preview --policy-pack-config` format: `all` and per-policy entries, each a level or an object. */
export type PolicyConfigEntry = EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);
export type PackConfig = Record<string, PolicyConfigEntry>;

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** Production scoping, declared by every policy so one `all` entry (or per-policy config) can set it. */
export const SCOPE_PROPERTIES: ConfigSchema = {
  production: {
    type: "boolean",
    description:
      "Treat this stack as production (true) or not (false). Unset: derived from the stack tag `environment`, else from the stack name's first dash-separated segment (`prod-contoso` → `prod`).",
  },
  productionEnvironments: {
    type: "array",
    items: { type: "string" },
    default: ["prod"],
    description: "Environment names that count as production.",
  },
};

export class PolicyConfigError extends Error {
  constructor(message: string) {
    super(`policy pack sqlfleet-security-benchmark: ${message}`);
    this.name = "PolicyConfigError";
  }
}

export function defaultsOf(schema: ConfigSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(schema)) if (p.default !== undefined) out[k] = p.default;
  return out;
}

function describeAllowed(p: ConfigProperty): string {
  switch (p.type) {
    case "boolean":
      return "true or false";
    case "integer": {
      const lo = p.minimum ?? "-∞";
      const hi = p.maximum ?? "∞";
      return `an integer in [${lo}, ${hi}]`;
    }
    case "string":
      return p.enum ? `one of ${p.enum.map((e) => JSON.stringify(e)).join(", ")}` : p.pattern ? `a string matching /${p.pattern}/` : "a string";
    case "array":
      return p.items.enum
        ? `an array of ${p.items.enum.map((e) => JSON.stringify(e)).join(", ")}`
        : `an array of ${p.items.type}s`;
  }
}

function valid(p: ConfigProperty, v: unknown): boolean {
  switch (p.type) {
    case "boolean":
      return typeof v === "boolean";
    case "integer":
      return Number.isInteger(v) && (p.minimum === undefined || (v as number) >= p.minimum) && (p.maximum === undefined || (v as number) <= p.maximum);
    case "string":
      return typeof v === "string" && (!p.enum || p.enum.includes(v)) && (!p.pattern || new RegExp(p.pattern).test(v));
    case "array":
      return (
        Array.isArray(v) &&
        v.every((e) => (p.items.type === "string" ? typeof e === "string" : Number.isInteger(e)) && (!p.items.enum || p.items.enum.includes(e)))
      );
  }
}

/** Checks one policy's properties against its schema; throws naming the policy, the field, the value and what is allowed. */
export function validateProperties(policyId: string, schema: ConfigSchema, props: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(props)) {
    if (k === "enforcementLevel") {
      if (!ENFORCEMENT_LEVELS.includes(v as EnforcementLevel)) {
        throw new PolicyConfigError(`${policyId}.enforcementLevel = ${JSON.stringify(v)} is invalid; allowed: ${ENFORCEMENT_LEVELS.join(", ")}`);
      }
      continue;
    }
    const p = schema[k];
    if (!p) {
      const known = Object.keys(schema).sort().join(", ") || "(none)";
      throw new PolicyConfigError(`${policyId}.${k} is not a setting of this policy; allowed settings: ${known}`);
    }
    if (!valid(p, v)) throw new PolicyConfigError(`${policyId}.${k} = ${JSON.stringify(v)} is invalid; expected ${describeAllowed(p)}`);
  }
}

/** Normalises one config entry (a bare level or an object) to an object. */
export function entryObject(policyId: string, entry: PolicyConfigEntry): { enforcementLevel?: EnforcementLevel } & Record<string, unknown> {
  if (typeof entry === "string") {
    if (!ENFORCEMENT_LEVELS.includes(entry)) {
      throw new PolicyConfigError(`${policyId} = ${JSON.stringify(entry)} is invalid; allowed: ${ENFORCEMENT_LEVELS.join(", ")} or an object of settings`);
    }
    return { enforcementLevel: entry };
  }
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    throw new PolicyConfigError(`${policyId} = ${JSON.stringify(entry)} is invalid; expected an enforcement level or an object of settings`);
  }
  return entry;
}
