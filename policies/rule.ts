// The shape of one sqlfleet rule: metadata (id, level, severity, anchors, remediation, config) plus a check that
// receives plain context objects. `build.ts` turns rules into @pulumi/policy policies; nothing here has side effects.
import type { PolicyResource, Severity } from "@pulumi/policy";
import type { ConfigSchema, ResolvedConfig } from "./config";

export type Level = "mandatory" | "advisory" | "disabled";

/** Where a rule comes from: MCSB controls, Azure Policy built-ins, CIS, Checkov, PCI DSS, Pulumi pre-built packs. */
export interface Anchors {
  mcsb?: string[];
  azurePolicy?: string[];
  cis?: string[];
  checkov?: string[];
  pci?: string[];
  /** ISO/IEC 27001:2022 Annex A controls (as mapped by Pulumi's pre-built packs). */
  iso?: string[];
  pulumi?: string[];
  docs?: string[];
}

export interface RuleMeta {
  id: string;
  title: string;
  /** One or more full sentences. */
  description: string;
  level: Level;
  severity: Severity;
  anchors: Anchors;
  remediation: string;
  /** Rule-specific settings (production scoping is added to every rule). */
  config?: ConfigSchema;
  /** Not applicable outside production stacks. */
  productionOnly?: boolean;
  /** Parts reported below the rule's level, said in one phrase for `policy list`. */
  advisoryParts?: string;
}

/** Reports findings; `advisory` downgrades a single finding (the rule's advisory part). */
export interface Reporter {
  violation(message: string, urn?: string): void;
  advisory(message: string, urn?: string): void;
}

/** Any azure-native resource class (its static, SDK-internal `__pulumiType` token is what matching needs). */
export interface ResourceClass {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the generated classes declare isInstance(obj: any)
  isInstance(obj: any): boolean;
}

/** The type token of a resource class, e.g. `azure-native:sql:Server`. */
export function tokenOf(cls: ResourceClass): string {
  const t = (cls as unknown as { __pulumiType?: unknown }).__pulumiType;
  if (typeof t !== "string") throw new Error("resource class has no __pulumiType token (did @pulumi/azure-native change?)");
  return t;
}

/**
 * The kind of a type token: `azure-native:<module>[/<version>]:<Type>` → `azure-native:<module>:<Type>`. An
 * API-versioned token (what `pulumi package add azure-native <module> <version>` generates, and what azure-native's
 * own aliases use) is the same kind of resource, so every rule matches kinds, never literal tokens.
 */
export function kindOf(token: string): string {
  const m = /^azure-native:([^:/]+)\/[^:]+:([^:]+)$/.exec(token);
  return m ? `azure-native:${m[1]}:${m[2]}` : token;
}

/** True when a resource's type token (any API version) is of the class's kind. */
export function isKind(token: string, cls: ResourceClass): boolean {
  return kindOf(token) === tokenOf(cls);
}

export interface ResourceCheck {
  /** The resource's kind (`kindOf` its token), so checks compare against `tokenOf(Class)` whatever the API version. */
  type: string;
  /** Resource inputs (unknown values throw during preview). */
  props: Record<string, unknown>;
  urn: string;
  name: string;
  cfg: ResolvedConfig;
  production: boolean;
  report: Reporter;
  notApplicable(reason: string): never;
}

export interface ResourceRule extends RuleMeta {
  kind: "resource";
  types: ResourceClass[];
  check(r: ResourceCheck): void;
}

export interface StackCheck {
  resources: PolicyResource[];
  cfg: ResolvedConfig;
  production: boolean;
  report: Reporter;
  notApplicable(reason: string): never;
  /** Runs one per-resource check; a value unknown during preview becomes an advisory for that resource only. */
  guard(urn: string, what: string, fn: () => void): void;
}

export interface StackRule extends RuleMeta {
  kind: "stack";
  check(s: StackCheck): void;
}

export type Rule = ResourceRule | StackRule;
