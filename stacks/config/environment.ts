// Environment stack config (`dev`, `prod`): regions, Entra admin group, pools, CMK, network, placement policy,
// Ed-Fi PostgreSQL. Shape checks in zod, then the limits-table checks (pool sizes, region pairs).
import { z } from "zod";
import { CMK_KEY_SIZES, describeVCoreChoices, HYPERSCALE_VCORES, KNOWN_REGIONS, MIN_FAILOVER_GRACE_MINUTES, poolSize, REGION_PAIRS, SHORT_TERM_RETENTION_DAYS } from "../../placement/limits";
import { WEEKDAYS } from "../notices/window";
import { zoneRedundancyRefusal } from "../../placement/zone-redundancy";
import { ROTATION_DAYS } from "../../components/rotating-credential";
import { ConfigError, problemsFromZod, type ConfigProblem } from "./errors";
import { boolish, NAMESPACE, numberish, tags, uuid } from "./shared";

const region = z.enum(KNOWN_REGIONS as [string, ...string[]]);
const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, "expected an IPv4 CIDR such as 10.40.0.0/16");

export const PoolConfigSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{1,38}[a-z0-9]$/, "expected a lower-case name such as gp-01"),
    edition: z.enum(["GeneralPurpose", "BusinessCritical", "Hyperscale"]),
    vCores: z.number().int().positive(),
    /** Pool storage; default the table's max for the size. */
    maxDataGb: z.number().int().positive().optional(),
    zoneRedundant: z.boolean().default(true),
  })
  .strict();

export const EnvironmentConfigSchema = z
  .object({
    region,
    /** The failover partner; must be the paired region. Absent: no secondary, no failover groups (dev). */
    secondaryRegion: region.optional(),
    tenantId: uuid,
    /** Prefix of globally unique names (servers, vaults, failover groups). */
    namePrefix: z.string().regex(/^[a-z][a-z0-9]{2,11}$/, "expected 3-12 lower-case letters/digits, e.g. sqlfprod"),
    entraAdminGroup: z.object({ login: z.string().min(1).max(128), objectId: uuid }).strict(),
    pools: z.array(PoolConfigSchema).min(1).max(250),
    failoverGracePeriodMinutes: numberish(z.number().int().min(MIN_FAILOVER_GRACE_MINUTES).max(24 * 60)).default(60),
    placement: z
      .object({
        fillTarget: z.number().min(0.5).max(0.95).default(0.8),
        horizonYears: z.number().int().min(1).max(10).default(3),
        defaultGrowthPerYear: z.number().min(0).max(5).default(0.25),
        hyperscaleVCores: z.number().int().default(8),
        /** Spread above the fleet mean tolerated before rebalancing proposes moves. */
        spread: z.number().min(0.05).max(1).default(0.3),
      })
      .strict()
      .default({ fillTarget: 0.8, horizonYears: 3, defaultGrowthPerYear: 0.25, hyperscaleVCores: 8, spread: 0.3 }),
    /** The weekly slot customer notices announce for moves and disruptive changes (stacks/notices/window.ts). */
    noticeWindow: z
      .object({
        weekday: z.enum(WEEKDAYS),
        startUtc: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM in UTC, e.g. 22:00"),
        hours: z.number().int().min(1).max(24),
      })
      .strict()
      .optional(),
    cmk: z
      .object({ keyType: z.enum(["RSA", "RSA-HSM"]).default("RSA-HSM"), keySize: z.number().int().default(3072) })
      .strict()
      .default({ keyType: "RSA-HSM", keySize: 3072 }),
    network: z
      .object({ vnetCidr: cidr, privateEndpointSubnetCidr: cidr, postgresSubnetCidr: cidr.optional(), secondaryVnetCidr: cidr.optional(), secondaryPrivateEndpointSubnetCidr: cidr.optional() })
      .strict(),
    backupRedundancy: z.enum(["GeoZone", "Geo", "Zone"]).default("GeoZone"),
    /** The SQL servers' public endpoint. Private endpoints are always made; "Enabled" is flagged by the policy pack. */
    publicNetworkAccess: z.enum(["Disabled", "Enabled"]).default("Disabled"),
    shortTermRetentionDays: numberish(z.number().int().min(SHORT_TERM_RETENTION_DAYS.min).max(SHORT_TERM_RETENTION_DAYS.max)).default(35),
    logRetentionDays: numberish(z.number().int().min(30).max(730)).default(90),
    postgres: z
      .object({
        enabled: z.boolean(),
        skuName: z.string().default("Standard_D4ds_v5"),
        tier: z.enum(["GeneralPurpose", "MemoryOptimized"]).default("GeneralPurpose"),
        version: z.enum(["16", "17"]).default("16"),
        storageGb: z.number().int().min(32).max(32768).default(256),
        /** Apply the Ed-Fi DMS server parameters (schema/sets/edfi-dms-tuning). */
        edfiTuning: z.boolean().default(true),
        /**
         * Also allow password logins (for clients that cannot use Entra tokens): an admin password rotated every
         * credentialRotationDays, kept in the environment's Key Vault. Production refuses it (sqlfleet-pg-entra-auth).
         */
        passwordAuth: z.boolean().default(false),
      })
      .strict()
      .optional(),
    alertEmails: z.array(z.string().email()).default([]),
    /** Days between rotations of every password the environment keeps (RotatingCredential). */
    credentialRotationDays: numberish(z.number().int().min(ROTATION_DAYS.min).max(ROTATION_DAYS.max)).default(ROTATION_DAYS.default),
    deprovision: boolish.default(false),
    tags: tags.default({}),
  })
  .strict();

export type EnvironmentConfig = z.infer<typeof EnvironmentConfigSchema>;
export type PoolConfig = z.infer<typeof PoolConfigSchema>;

/** Customer-stack keys declared with a default in Pulumi.yaml: the CLI merges them into every stack, so ignore them. */
export const CUSTOMER_DEFAULTED_KEYS = ["cmkScope", "schemaRollout"];

export function parseEnvironmentConfig(stack: string, raw: Record<string, unknown>): EnvironmentConfig {
  const own = Object.fromEntries(Object.entries(raw).filter(([k]) => !CUSTOMER_DEFAULTED_KEYS.includes(k)));
  const r = EnvironmentConfigSchema.safeParse(own);
  if (!r.success) throw new ConfigError(stack, problemsFromZod(NAMESPACE, own, r.error.issues));
  const problems = environmentRuleProblems(r.data);
  if (problems.length > 0) throw new ConfigError(stack, problems);
  return r.data;
}

/** Rules from the limits table that a schema cannot express. */
export function environmentRuleProblems(cfg: EnvironmentConfig): ConfigProblem[] {
  const p: ConfigProblem[] = [];
  const k = (s: string) => `${NAMESPACE}:${s}`;
  if (cfg.secondaryRegion !== undefined && cfg.secondaryRegion !== REGION_PAIRS[cfg.region]) {
    p.push({ key: k("secondaryRegion"), value: cfg.secondaryRegion, allowed: `the failover partner must be ${cfg.region}'s paired region: ${REGION_PAIRS[cfg.region]}` });
  }
  if (cfg.secondaryRegion && !cfg.network.secondaryVnetCidr) {
    p.push({ key: k("network.secondaryVnetCidr"), value: undefined, allowed: "required when secondaryRegion is set (the secondary server's private endpoint)" });
  }
  if (!CMK_KEY_SIZES.includes(cfg.cmk.keySize)) p.push({ key: k("cmk.keySize"), value: cfg.cmk.keySize, allowed: `allowed: ${CMK_KEY_SIZES.join(", ")}` });
  if (!HYPERSCALE_VCORES.includes(cfg.placement.hyperscaleVCores)) {
    p.push({ key: k("placement.hyperscaleVCores"), value: cfg.placement.hyperscaleVCores, allowed: `allowed: ${HYPERSCALE_VCORES.join(", ")}` });
  }
  const seen = new Set<string>();
  cfg.pools.forEach((pool, i) => {
    if (seen.has(pool.name)) p.push({ key: k(`pools[${i}].name`), value: pool.name, allowed: "pool names must be unique" });
    seen.add(pool.name);
    if (pool.zoneRedundant) {
      // The secondary's pools copy the primary's settings, so both regions need availability zones.
      const pair = cfg.secondaryRegion === REGION_PAIRS[cfg.region] ? cfg.secondaryRegion : undefined;
      for (const [where, region] of [["region", cfg.region], ["secondaryRegion", pair]] as const) {
        const refusal = region ? zoneRedundancyRefusal(region, pool.edition) : undefined;
        if (refusal) p.push({ key: k(`pools[${i}].zoneRedundant`), value: true, allowed: `${where} ${region}: ${refusal}` });
      }
    }
    const row = poolSize(pool.edition, pool.vCores);
    if (!row) {
      p.push({ key: k(`pools[${i}].vCores`), value: pool.vCores, allowed: `${pool.edition} pools come in ${describeVCoreChoices(pool.edition)} vCores` });
    } else if (pool.maxDataGb !== undefined && pool.maxDataGb > row.maxDataGb) {
      p.push({ key: k(`pools[${i}].maxDataGb`), value: pool.maxDataGb, allowed: `allowed range 1..${row.maxDataGb} GB for ${pool.edition} ${pool.vCores} vCores` });
    }
  });
  return p;
}
