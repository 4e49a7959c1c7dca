// Which Pulumi.<stack>.yaml key fed a component field: the explicit map from the arguments stacks/environment.ts and
// stacks/customer.ts pass into components/ back to the config keys they come from. stackProgram uses it to turn a
// ComponentValidationError raised while a stack program runs into a ConfigError naming the stack and the key (the
// Fleet then adds the file and line). Keep it next to the programs: a new component argument fed from config gets
// a row here.
import type { ComponentValidationError } from "../components/validation";
import { NAMESPACE } from "./config/shared";

/** Where a component field's value came from. */
export interface FieldSource {
  /** Full config key, e.g. `sqlfleet:fhir.placement.haReplicas`. */
  key: string;
  /** Set when the key lives in the environment's file although a customer stack raised the error. */
  environment?: boolean;
  /** Replaces the component's "allowed" text where the stack program fixes the other inputs of the check. */
  allowed?: string;
}

/** What a row's key function may look at: the stack's own raw config (to find a pool's index by name). */
export interface SourceContext {
  raw: Record<string, unknown>;
}

interface Row {
  component: string;
  /** The component's resource name as the program names it. */
  resource: RegExp;
  field: RegExp;
  source: (field: RegExpExecArray, resource: RegExpExecArray, ctx: SourceContext) => FieldSource | undefined;
}

const k = (s: string) => `${NAMESPACE}:${s}`;
const env = (s: string, allowed?: string): FieldSource => ({ key: k(s), environment: true, ...(allowed ? { allowed } : {}) });
const own = (s: string, allowed?: string): FieldSource => ({ key: k(s), ...(allowed ? { allowed } : {}) });
const ANY = /^.*$/;

/** Fields every environment component takes from the same keys; `secondary` for the paired region's resources. */
function environmentCommon(field: string, secondary: boolean): FieldSource | undefined {
  if (field === "entraAdmin.login" || field === "entraAdmin.objectId") return own(`entraAdminGroup.${field.split(".")[1]}`);
  if (field === "entraAdmin.tenantId" || field === "tenantId") return own("tenantId");
  // Globally unique names are derived from the prefix (stacks/environment.ts environmentNames).
  if (field === "serverName" || field === "vaultName" || field === "workspaceName") return own("namePrefix");
  if (field === "location") return own(secondary ? "secondaryRegion" : "region");
  return undefined;
}

/** Index of the environment pool named `name` in the stack's `pools` list (config order = program order). */
function poolIndex(ctx: SourceContext, name: string): number | undefined {
  const pools = ctx.raw.pools;
  if (!Array.isArray(pools)) return undefined;
  const i = pools.findIndex((p) => (p as { name?: unknown })?.name === name);
  return i < 0 ? undefined : i;
}

const ROWS: readonly Row[] = [
  // ── customer stack: one Workspace named after the customer (stacks/customer.ts) ──
  {
    component: "Workspace",
    resource: ANY,
    field: /^databases\.(fhir|dicom)\.(haReplicas|vCores|maxSizeGb|serverless\.minVCores|pool\.name|pool\.vCores|kind)\b/,
    source: (f) => {
      const [, role, what] = f;
      if (what === "kind") return own(`${role}.placement.tier`);
      if (what === "haReplicas") return own(`${role}.placement.haReplicas`, "allowed 1–4 (the customer's Hyperscale databases are zone-redundant, which needs at least one HA replica)");
      if (what === "serverless.minVCores") return own(`${role}.placement.serverlessMinVCores`);
      if (what === "pool.name") return own(`${role}.placement.pool`);
      if (what === "pool.vCores") return env("pools");
      return own(`${role}.placement.${what}`);
    },
  },
  {
    component: "Workspace",
    resource: ANY,
    field: /^(customerId|tags\.(.+)|backupRedundancy|shortTermRetentionDays|failover\.gracePeriodMinutes|failover\.groupName|customerKey\.vaultName|customerKey\..+|collation)$/,
    source: (f) => {
      const field = f[1];
      if (field === "customerId") return own("customer");
      if (f[2] !== undefined) return own(`tags.${f[2]}`);
      if (field === "backupRedundancy") return env("backupRedundancy");
      if (field === "shortTermRetentionDays") return env("shortTermRetentionDays");
      if (field === "failover.gracePeriodMinutes") return env("failoverGracePeriodMinutes");
      // Derived names: fog-<namePrefix>-<env>-<customer>, kv<namePrefix><hash>.
      if (field === "failover.groupName") return own("customer");
      if (field === "customerKey.vaultName") return env("namePrefix");
      if (field.startsWith("customerKey.")) return own("cmkScope");
      return undefined; // collation: which database's is not in the field; the config schema checks it first
    },
  },
  // ── environment stack (stacks/environment.ts) ──
  {
    component: "Monitoring",
    resource: /^monitoring$/,
    field: ANY,
    source: (f) => (f[0] === "retentionInDays" ? own("logRetentionDays") : environmentCommon(f[0], false)),
  },
  {
    component: "CustomerManagedKey",
    resource: /^cmk(?:-(geo))?$/,
    field: ANY,
    source: (f, r) => {
      if (f[0] === "keyType" || f[0] === "keySize") return own(`cmk.${f[0]}`);
      if (f[0] === "vaultSku") return own("cmk.keyType"); // premium exactly when RSA-HSM
      return environmentCommon(f[0], r[1] === "geo");
    },
  },
  { component: "SqlServer", resource: /^sql-(primary|secondary)$/, field: ANY, source: (f, r) => (f[0] === "publicNetworkAccess" || f[0] === "alertEmails" ? own(f[0]) : environmentCommon(f[0], r[1] === "secondary")) },
  {
    component: "ElasticPool",
    resource: /^pool-(.+?)(-secondary)?$/,
    field: /^(poolName|edition|vCores|maxSizeGb|zoneRedundant)$/,
    source: (f, r, ctx) => {
      const i = poolIndex(ctx, r[1]);
      if (i === undefined) return own("pools");
      const key = { poolName: "name", maxSizeGb: "maxDataGb" }[f[1]] ?? f[1];
      return own(`pools[${i}].${key}`);
    },
  },
  {
    component: "PostgresServer",
    resource: /^edfi-postgres$/,
    field: ANY,
    source: (f) => (["version", "skuName", "tier", "storageGb"].includes(f[0]) ? own(`postgres.${f[0]}`) : environmentCommon(f[0], false)),
  },
];

/** The config key behind a component's invalid field, or undefined when the stack program (not config) set it. */
export function sourceOfField(e: ComponentValidationError, ctx: SourceContext): FieldSource | undefined {
  for (const row of ROWS) {
    if (row.component !== e.component) continue;
    const r = row.resource.exec(e.resourceName);
    const f = r && row.field.exec(e.field);
    if (!r || !f) continue;
    const s = row.source(f, r, ctx);
    if (s) return s;
  }
  return undefined;
}
