// Customer stack config (`<env>-<customer>`): the workspace's FHIR and DICOM databases with their size, growth and
// the placement decision (written by `sqlfleet customer add` / `rebalance --write`), CMK scope and deprovisioning.
import { z } from "zod";
import { HYPERSCALE_MAX_DATABASE_GB, HYPERSCALE_VCORES } from "../../placement/limits";
import { perDatabaseMaxGb, type PoolSpec } from "../../placement/pools";
import { ConfigError, problemsFromZod, type ConfigProblem } from "./errors";
import { boolish, NAMESPACE, tags } from "./shared";

export const DEFAULT_COLLATION = "SQL_Latin1_General_CP1_CI_AS";

const PoolPlacementSchema = z
  .object({
    tier: z.literal("pool"),
    pool: z.string().min(1),
    /** The database's max size; ≤ what a database in that pool may reach. */
    maxSizeGb: z.number().int().positive(),
  })
  .strict();

const HyperscalePlacementSchema = z
  .object({
    tier: z.literal("hyperscale"),
    vCores: z.number().int(),
    haReplicas: z.number().int().min(0).max(4).default(1),
    serverlessMinVCores: z.number().positive().optional(),
    /** ISO date of a migration from a pool into Hyperscale (reverse migration is possible for 45 days after). */
    migratedAt: z.iso.date().optional(),
  })
  .strict();

export const DatabaseConfigSchema = z
  .object({
    /** Current or initially requested data size in GB. */
    sizeGb: z.number().positive().max(HYPERSCALE_MAX_DATABASE_GB),
    /** Compound growth per year (0.25 = 25 %); default the environment's. */
    growthPerYear: z.number().min(0).max(10).optional(),
    collation: z.string().regex(/^[A-Za-z0-9_]+$/).default(DEFAULT_COLLATION),
    placement: z.discriminatedUnion("tier", [PoolPlacementSchema, HyperscalePlacementSchema]),
    /** Apply the FHIR partition schema (DatabaseSchema resource); FHIR databases only. */
    schema: z.boolean().optional(),
  })
  .strict();

export const CustomerConfigSchema = z
  .object({
    customer: z.string().regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, "expected a lower-case slug such as contoso"),
    displayName: z.string().min(1).max(80),
    fhir: DatabaseConfigSchema.optional(),
    dicom: DatabaseConfigSchema.optional(),
    /** TDE protector: the environment server's key, or a key per database. */
    cmkScope: z.enum(["server", "database"]).default("server"),
    /** Lifts protection so `pulumi destroy` really deprovisions the workspace (seed 003 P0). */
    deprovision: boolish.default(false),
    /**
     * Who applies the FHIR schema: "pulumi" (the DatabaseSchema resource during `pulumi up`) or "fleet" (only
     * `sqlfleet schema rollout <env>`, so a multi-hour backfill never holds `pulumi up`).
     */
    schemaRollout: z.enum(["pulumi", "fleet"]).default("pulumi"),
    tags: tags.default({}),
  })
  .strict();

export type CustomerConfig = z.infer<typeof CustomerConfigSchema>;
export type DatabaseConfig = z.infer<typeof DatabaseConfigSchema>;
export type DatabaseRole = "fhir" | "dicom";
export const DATABASE_ROLES: readonly DatabaseRole[] = ["fhir", "dicom"];

/** Environment-stack keys declared with a default in Pulumi.yaml: merged into every stack, ignored here. */
export const ENVIRONMENT_DEFAULTED_KEYS = ["failoverGracePeriodMinutes", "logRetentionDays", "shortTermRetentionDays", "backupRedundancy"];

export function parseCustomerConfig(stack: string, customer: string, raw: Record<string, unknown>): CustomerConfig {
  const own = Object.fromEntries(Object.entries(raw).filter(([k]) => !ENVIRONMENT_DEFAULTED_KEYS.includes(k)));
  const r = CustomerConfigSchema.safeParse(own);
  if (!r.success) throw new ConfigError(stack, problemsFromZod(NAMESPACE, own, r.error.issues));
  const problems = customerRuleProblems(r.data, customer);
  if (problems.length > 0) throw new ConfigError(stack, problems);
  return r.data;
}

export function customerRuleProblems(cfg: CustomerConfig, customer: string): ConfigProblem[] {
  const p: ConfigProblem[] = [];
  const k = (s: string) => `${NAMESPACE}:${s}`;
  if (cfg.customer !== customer) p.push({ key: k("customer"), value: cfg.customer, allowed: `must match the stack name's customer part: ${customer}` });
  if (!cfg.fhir && !cfg.dicom) p.push({ key: k("fhir"), value: undefined, allowed: "a workspace needs at least one of fhir, dicom" });
  for (const role of DATABASE_ROLES) {
    const db = cfg[role];
    if (!db) continue;
    if (db.placement.tier === "hyperscale") {
      if (!HYPERSCALE_VCORES.includes(db.placement.vCores)) {
        p.push({ key: k(`${role}.placement.vCores`), value: db.placement.vCores, allowed: `allowed: ${HYPERSCALE_VCORES.join(", ")}` });
      }
      if (db.placement.serverlessMinVCores !== undefined && db.placement.serverlessMinVCores > db.placement.vCores) {
        p.push({ key: k(`${role}.placement.serverlessMinVCores`), value: db.placement.serverlessMinVCores, allowed: `at most vCores (${db.placement.vCores})` });
      }
    } else if (db.sizeGb > db.placement.maxSizeGb) {
      p.push({ key: k(`${role}.sizeGb`), value: db.sizeGb, allowed: `larger than the database's maxSizeGb ${db.placement.maxSizeGb}; raise maxSizeGb or move it (sqlfleet customer add / rebalance)` });
    }
    if (role === "dicom" && db.schema) p.push({ key: k("dicom.schema"), value: true, allowed: "the partition schema applies to FHIR databases only" });
  }
  return p;
}

/** Checks against the environment's pools (read from Pulumi.<env>.yaml or the environment stack's outputs). */
export function customerAgainstPoolsProblems(cfg: CustomerConfig, pools: readonly PoolSpec[]): ConfigProblem[] {
  const p: ConfigProblem[] = [];
  for (const role of DATABASE_ROLES) {
    const db = cfg[role];
    const placement = db?.placement;
    if (!placement || placement.tier !== "pool") continue;
    const pool = pools.find((x) => x.name === placement.pool);
    const key = `${NAMESPACE}:${role}.placement`;
    if (!pool) {
      p.push({ key: `${key}.pool`, value: placement.pool, allowed: `allowed: ${pools.map((x) => x.name).join(", ")} (the environment's pools)` });
      continue;
    }
    const max = perDatabaseMaxGb(pool);
    if (placement.maxSizeGb > max) {
      p.push({ key: `${key}.maxSizeGb`, value: placement.maxSizeGb, allowed: `allowed range 1..${max} GB in pool ${pool.name} (${pool.edition} ${pool.vCores} vCores); larger databases need a bigger pool or Hyperscale` });
    }
  }
  return p;
}
