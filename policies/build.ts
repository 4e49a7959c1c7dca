// Turns the rules into @pulumi/policy policies. Config is applied here (defaults ⊕ the given config ⊕ whatever the
// engine's `configure` call delivered), because outside the CLI the SDK only knows config from `configure`.
import { UnknownValueError, type EnforcementLevel, type Policy, type PolicyResource, type ReportViolation, type ResourceValidationArgs, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { PACK_NAME, RULES, frameworkOf, tagsOf } from "./catalog";
import { PolicyConfigError, SCOPE_PROPERTIES, defaultsOf, entryObject, validateProperties, type ConfigSchema, type PackConfig, type ResolvedConfig } from "./config";
import { stackOfUrn } from "./graph";
import { isKind, kindOf, tokenOf, type Level, type Reporter, type ResourceRule, type Rule, type StackRule } from "./rule";
import { cfgStrings } from "./values";

export type { PackConfig } from "./config";

export function schemaOf(rule: Rule): ConfigSchema {
  return { ...SCOPE_PROPERTIES, ...(rule.config ?? {}) };
}

export { stackOfUrn };

/** Production: explicit config, else the `environment` stack tag, else the stack name's first segment. */
export function isProduction(cfg: ResolvedConfig, stackTags: ReadonlyMap<string, string> | undefined, urn: string | undefined): boolean {
  if (typeof cfg.production === "boolean") return cfg.production;
  const env = stackTags?.get("environment") ?? (urn ? stackOfUrn(urn)?.split("-")[0] : undefined);
  return env !== undefined && cfgStrings(cfg, "productionEnvironments").includes(env);
}

/** Validates a whole policy-config object; throws a PolicyConfigError naming policy, setting, value and what is allowed. */
export function validatePackConfig(config: PackConfig): void {
  const ids = new Set(RULES.map((r) => r.id));
  for (const [key, entry] of Object.entries(config)) {
    const obj = entryObject(key, entry);
    if (key === "all") {
      // `all` may carry an enforcement level, plus (sqlfleet extension) the shared scoping settings.
      validateProperties("all", SCOPE_PROPERTIES, obj);
      continue;
    }
    if (!ids.has(key)) throw new PolicyConfigError(`unknown policy "${key}" in config; known policies: ${[...ids].sort().join(", ")}`);
    const rule = RULES.find((r) => r.id === key) as Rule;
    validateProperties(key, schemaOf(rule), obj);
  }
}

interface Effective {
  level: Level | EnforcementLevel;
  props: Record<string, unknown>;
}

function effectiveConfig(rule: Rule, config: PackConfig): Effective {
  const all = config.all !== undefined ? entryObject("all", config.all) : {};
  const own = config[rule.id] !== undefined ? entryObject(rule.id, config[rule.id]) : {};
  const { enforcementLevel: allLevel, ...allProps } = all;
  const { enforcementLevel: ownLevel, ...ownProps } = own;
  return { level: ownLevel ?? allLevel ?? rule.level, props: { ...defaultsOf(schemaOf(rule)), ...allProps, ...ownProps } };
}

// The SDK's ReportViolation also takes an object with its own enforcement level (server.js makeReportViolationFun);
// its .d.ts only declares the string form.
type ObjectReport = (v: { message: string; urn?: string; enforcementLevel?: EnforcementLevel }) => void;

function reporter(report: ReportViolation, defaultUrn?: string): Reporter {
  const send = report as unknown as ObjectReport;
  return {
    violation: (message, urn) => send({ message, urn: urn ?? defaultUrn }),
    advisory: (message, urn) => send({ message, urn: urn ?? defaultUrn, enforcementLevel: "advisory" }),
  };
}

function metadata(rule: Rule, level: Level | EnforcementLevel): Policy {
  const description = rule.description;
  return {
    name: rule.id,
    displayName: rule.title,
    description,
    enforcementLevel: level,
    severity: rule.severity,
    framework: frameworkOf(rule.anchors),
    tags: tagsOf(rule.anchors),
    remediationSteps: rule.remediation,
    configSchema: { properties: schemaOf(rule) as never },
  };
}

function resourcePolicy(rule: ResourceRule, eff: Effective): ResourceValidationPolicy {
  const run = (args: ResourceValidationArgs, report: ReportViolation) => {
    const cfg: ResolvedConfig = { ...eff.props, ...args.getConfig<Record<string, unknown>>() };
    const production = isProduction(cfg, args.stackTags, args.urn);
    if (rule.productionOnly && !production) args.notApplicable("applies to production stacks only");
    const rep = reporter(report, args.urn);
    try {
      rule.check({ type: kindOf(args.type), props: args.props, urn: args.urn, name: args.name, cfg, production, report: rep, notApplicable: (r) => args.notApplicable(r) });
    } catch (e) {
      // The SDK would turn this into its own advisory; saying it here keeps one wording for resource and stack rules.
      if (!(e instanceof UnknownValueError)) throw e;
      rep.advisory(`cannot check during preview: ${(e as Error).message}`);
    }
  };
  // Matched by kind, not with the SDK's validateResourceOfType (an exact token match that lets API-versioned
  // tokens such as `azure-native:sql/v20230801:Server` through unchecked).
  const validateResource = (args: ResourceValidationArgs, report: ReportViolation) => {
    if (!rule.types.some((t) => isKind(args.type, t))) args.notApplicable(`Policy only applies to resources of types ${rule.types.map((t) => tokenOf(t)).join(", ")} (any API version)`);
    run(args, report);
  };
  const policy: ResourceValidationPolicy = { ...metadata(rule, eff.level), validateResource };
  KINDS.set(policy, new Set(rule.types.map((t) => tokenOf(t))));
  return policy;
}

/** The resource kinds each built resource policy applies to (any API version), for kindsOf. */
const KINDS = new WeakMap<object, ReadonlySet<string>>();

/**
 * The kinds a policy from buildPolicies applies to, or undefined for a stack policy. Its validateResource answers
 * notApplicable for every other kind, so an evaluator may skip it there (policies/runner.ts does, per resource).
 */
export function kindsOf(policy: object): ReadonlySet<string> | undefined {
  return KINDS.get(policy);
}

function stackPolicy(rule: StackRule, eff: Effective): StackValidationPolicy {
  return {
    ...metadata(rule, eff.level),
    validateStack: (args, report) => {
      const cfg: ResolvedConfig = { ...eff.props, ...args.getConfig<Record<string, unknown>>() };
      const first = args.resources.find((r: PolicyResource) => stackOfUrn(r.urn));
      const production = isProduction(cfg, args.stackTags, first?.urn);
      if (rule.productionOnly && !production) args.notApplicable("applies to production stacks only");
      const rep = reporter(report);
      const guard = (urn: string, what: string, fn: () => void) => {
        try {
          fn();
        } catch (e) {
          if (!(e instanceof UnknownValueError)) throw e;
          rep.advisory(`cannot check during preview: ${what}: ${(e as Error).message}`, urn);
        }
      };
      rule.check({ resources: args.resources, cfg, production, report: rep, notApplicable: (r) => args.notApplicable(r), guard });
    },
  };
}

/** The pack's policies with `config` applied (Pulumi policy-config format, validated first). */
export function buildPolicies(config: PackConfig = {}): (ResourceValidationPolicy | StackValidationPolicy)[] {
  validatePackConfig(config);
  return RULES.map((rule) => {
    const eff = effectiveConfig(rule, config);
    return rule.kind === "resource" ? resourcePolicy(rule, eff) : stackPolicy(rule, eff);
  });
}

export interface PolicyInfo {
  id: string;
  title: string;
  kind: "resource" | "stack";
  enforcementLevel: Level | EnforcementLevel;
  severity: string;
  productionOnly: boolean;
  advisoryParts?: string;
  description: string;
  remediation: string;
  resourceTypes: string[];
  framework: { name: string; version: string; reference: string; specification: string };
  anchors: Rule["anchors"];
  config: ConfigSchema;
}

/** Metadata of every policy, for `sqlfleet policy list` and the README table. */
export function listPolicies(config: PackConfig = {}): PolicyInfo[] {
  validatePackConfig(config);
  return RULES.map((rule) => ({
    id: rule.id,
    title: rule.title,
    kind: rule.kind,
    enforcementLevel: effectiveConfig(rule, config).level,
    severity: rule.severity,
    productionOnly: rule.productionOnly === true,
    advisoryParts: rule.advisoryParts,
    description: rule.description,
    remediation: rule.remediation,
    resourceTypes: rule.kind === "resource" ? rule.types.map((t) => tokenOf(t)) : [],
    framework: frameworkOf(rule.anchors),
    anchors: rule.anchors,
    config: rule.config ?? {},
  }));
}

export { PACK_NAME };
