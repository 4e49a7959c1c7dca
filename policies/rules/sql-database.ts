// Azure SQL database, elastic pool and failover group rules: TDE, backup redundancy and retention, zone
// redundancy, failover policy (research/policies.md §5.2).
import * as sql from "@pulumi/azure-native/sql";
import { tokenOf, type ResourceRule } from "../rule";
import { cfgNumber, cfgString, cfgStrings, eqi, isBlank, isoDurationDays, show } from "../values";

type Props<T> = Partial<Record<keyof T, unknown>> & Record<string, unknown>;

/** Geo-secondaries are created by the failover group or geo-replication and inherit from their primary. */
export function isSecondary(createMode: unknown): boolean {
  return eqi(createMode, "Secondary") || eqi(createMode, "OnlineSecondary");
}

export function isHyperscale(sku: unknown): boolean {
  const s = sku as { tier?: unknown; name?: unknown } | undefined;
  return eqi(s?.tier, "Hyperscale") || (typeof s?.name === "string" && /^HS_/i.test(s.name));
}

export const sqlDbTdeNotDisabled: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-sql-db-tde-not-disabled",
  title: "SQL database TDE stays on",
  description: "Any explicit transparent data encryption setting on a database must be Enabled.",
  level: "mandatory",
  severity: "high",
  types: [sql.TransparentDataEncryption],
  anchors: {
    mcsb: ["DP-4"],
    azurePolicy: ["17k78e20-9358-41c9-923c-fb736d382a12"],
    cis: ["CIS Azure 3.0 5.1.5"],
    checkov: ["CKV2_AZURE_25"],
    pulumi: ["sql-database-tde-enabled"],
  },
  remediation: 'Set `state: "Enabled"` or remove the TransparentDataEncryption resource (TDE is on by default).',
  check({ props, report }) {
    const v = (props as Props<sql.TransparentDataEncryptionArgs>).state;
    if (!eqi(v, "Enabled")) report.violation(`state is ${show(v)}; must be "Enabled"`);
  },
};

export const sqlDbBackupRedundancy: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-sql-db-backup-redundancy",
  title: "SQL database backups use the allowed redundancy",
  description: "Every database must set its backup storage redundancy explicitly to one of the allowed values (geo-redundant by default; data-residency stacks configure zone or local).",
  level: "mandatory",
  severity: "high",
  types: [sql.Database],
  anchors: {
    mcsb: ["BR-1", "BR-2"],
    azurePolicy: ["b219b9cf-f672-4f96-9ab0-f5a3ac5e1c13"],
    pulumi: ["sql-database-backup-retention"],
    docs: ["research/azure-sql.md §2.9 (Hyperscale backup redundancy is create-time only)"],
  },
  remediation: 'Set `requestedBackupStorageRedundancy` to "GeoZone" or "Geo" (or the residency stack\'s configured value) when the database is created.',
  config: {
    allowedBackupRedundancy: {
      type: "array",
      items: { type: "string", enum: ["GeoZone", "Geo", "Zone", "Local"] },
      default: ["GeoZone", "Geo"],
      description: "Accepted requestedBackupStorageRedundancy values (residency stacks: [\"Zone\", \"Local\"]).",
    },
  },
  check({ props, cfg, report, notApplicable }) {
    const p = props as Props<sql.DatabaseArgs>;
    if (isSecondary(p.createMode)) notApplicable("geo-secondary databases inherit backup settings from their primary");
    const allowed = cfgStrings(cfg, "allowedBackupRedundancy");
    const v = p.requestedBackupStorageRedundancy;
    if (typeof v !== "string" || !allowed.includes(v)) report.violation(`requestedBackupStorageRedundancy is ${show(v)}; allowed: ${allowed.join(", ")}`);
  },
};

export const sqlDbShortTermRetention: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-sql-db-short-term-retention",
  title: "SQL point-in-time restore window is long enough",
  description:
    "Short-term backup retention must keep at least the configured days of point-in-time restore (Azure allows 1 to 35). In production a window below the floor (productionMinPitrDays) is mandatory; elsewhere it, and anything below minPitrDays, is advisory.",
  level: "mandatory",
  severity: "medium",
  advisoryParts: "below minPitrDays but at or above the production floor, any shortfall outside production, differential interval",
  types: [sql.BackupShortTermRetentionPolicy],
  anchors: { mcsb: ["BR-1"], cis: ["CIS Controls 8.1 11.2"], pulumi: ["sql-database-backup-retention", "azure-database-backup-enabled"] },
  remediation: "Set `retentionDays` between the configured minimum and 35 (sqlfleet uses 35) and `diffBackupIntervalInHours` to 12 or 24.",
  config: {
    minPitrDays: { type: "integer", minimum: 1, maximum: 35, default: 14, description: "Recommended minimum point-in-time restore days (advisory)." },
    productionMinPitrDays: { type: "integer", minimum: 1, maximum: 35, default: 7, description: "Floor in production: fewer point-in-time restore days is a mandatory violation." },
  },
  check({ props, cfg, production, report }) {
    const p = props as Props<sql.BackupShortTermRetentionPolicyArgs>;
    const min = cfgNumber(cfg, "minPitrDays");
    const floor = cfgNumber(cfg, "productionMinPitrDays");
    // Azure's default when retentionDays is unset is 7 days.
    const raw = p.retentionDays;
    const days = raw === undefined ? 7 : raw;
    const shown = `retentionDays is ${show(raw)}${raw === undefined ? " (Azure default 7)" : ""}`;
    if (typeof days !== "number" || days > 35) report.violation(`${shown}; must be a number of days in [${min}, 35]`);
    else if (days < floor) {
      const msg = `${shown}; below the production floor of ${floor} days (recommended ≥ ${min})`;
      if (production) report.violation(msg);
      else report.advisory(msg);
    } else if (days < min) report.advisory(`${shown}; should be ≥ ${min}`);
    const diff = p.diffBackupIntervalInHours;
    if (diff !== undefined && diff !== 12 && diff !== 24) report.advisory(`diffBackupIntervalInHours is ${show(diff)}; must be 12 or 24`);
  },
};

const LTR_FIELDS = [
  ["weeklyRetention", "minWeeklyRetention"],
  ["monthlyRetention", "minMonthlyRetention"],
  ["yearlyRetention", "minYearlyRetention"],
] as const;

export const sqlDbLongTermRetention: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-sql-db-long-term-retention",
  title: "Production SQL databases keep long-term backups",
  description: "In production, long-term retention must keep weekly, monthly or yearly backups, each at least the configured minimum.",
  level: "advisory",
  severity: "medium",
  productionOnly: true,
  types: [sql.LongTermRetentionPolicy, sql.BackupLongTermRetentionPolicy],
  anchors: { mcsb: ["BR-1"], azurePolicy: ["d38fc420-0735-4ef3-ac11-c806f651a570"], pulumi: ["sql-database-backup-retention"] },
  remediation: 'Set weeklyRetention/monthlyRetention/yearlyRetention (ISO-8601, e.g. "P12W", "P12M", "P10Y") on sql.LongTermRetentionPolicy.',
  config: {
    minWeeklyRetention: { type: "string", default: "P4W", pattern: "^P", description: "Minimum weeklyRetention when set (ISO-8601 duration)." },
    minMonthlyRetention: { type: "string", default: "P12M", pattern: "^P", description: "Minimum monthlyRetention when set." },
    minYearlyRetention: { type: "string", default: "P5Y", pattern: "^P", description: "Minimum yearlyRetention when set." },
  },
  check({ props, cfg, report }) {
    const p = props as Props<sql.LongTermRetentionPolicyArgs>;
    let kept = 0;
    for (const [field, minKey] of LTR_FIELDS) {
      const v = p[field];
      if (isBlank(v) || eqi(v, "PT0S")) continue;
      kept++;
      const days = isoDurationDays(v);
      const min = cfgString(cfg, minKey) ?? "PT0S";
      const minDays = isoDurationDays(min) ?? 0;
      if (days === undefined) report.violation(`${field} ${show(v)} is not an ISO-8601 duration`);
      else if (days < minDays) report.violation(`${field} is ${show(v)}; must be at least ${min}`);
    }
    if (kept === 0) report.violation("no long-term backups kept: weeklyRetention, monthlyRetention and yearlyRetention are all unset or PT0S");
  },
};

export const sqlZoneRedundancy: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-sql-zone-redundancy",
  title: "Production SQL compute is zone redundant",
  description: "In production, elastic pools and single databases must be zone redundant; Hyperscale databases need a high-availability replica and zone-redundant backups.",
  level: "advisory",
  severity: "medium",
  productionOnly: true,
  types: [sql.Database, sql.ElasticPool],
  anchors: { azurePolicy: ["6221cac0 (preview)", "f16a3ca9 (preview)"], checkov: ["CKV_AZURE_229"], iso: ["A.8.14"], pulumi: ["sql-database-high-availability"] },
  remediation: "Set `zoneRedundant: true` on pools and single databases; for Hyperscale set it at create with highAvailabilityReplicaCount ≥ 1 and Zone/GeoZone backups.",
  check({ type, props, report, notApplicable }) {
    if (type === tokenOf(sql.ElasticPool)) {
      const p = props as Props<sql.ElasticPoolArgs>;
      if (p.zoneRedundant !== true) report.violation(`elastic pool zoneRedundant is ${show(p.zoneRedundant)}; must be true`);
      return;
    }
    const p = props as Props<sql.DatabaseArgs>;
    if (isSecondary(p.createMode)) notApplicable("geo-secondary databases follow their failover group");
    if (!isBlank(p.elasticPoolId)) notApplicable("pooled databases inherit zone redundancy from their pool");
    if (p.zoneRedundant !== true) report.violation(`zoneRedundant is ${show(p.zoneRedundant)}; must be true`);
    if (isHyperscale(p.sku)) {
      const replicas = p.highAvailabilityReplicaCount;
      if (typeof replicas !== "number" || replicas < 1) report.violation(`Hyperscale highAvailabilityReplicaCount is ${show(replicas)}; must be ≥ 1 for zone redundancy`);
      const backup = p.requestedBackupStorageRedundancy;
      if (!eqi(backup, "Zone") && !eqi(backup, "GeoZone")) report.violation(`Hyperscale requestedBackupStorageRedundancy is ${show(backup)}; zone redundancy needs "Zone" or "GeoZone"`);
    }
  },
};

export const sqlFailoverGroupPolicy: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-sql-failover-group-policy",
  title: "SQL failover groups fail over automatically after a grace period",
  description: "Failover groups must use an allowed failover policy, a data-loss grace period of at least the configured minutes, and at least one partner server.",
  level: "advisory",
  severity: "medium",
  types: [sql.FailoverGroup],
  anchors: { cis: ["CIS Controls 8.1 12.2"], iso: ["A.8.14"], pulumi: ["sql-database-high-availability", "azure-database-multi-region-support"], docs: ["azure-sql/database/auto-failover-group-sql-db.md"] },
  remediation: 'Set `readWriteEndpoint: {failoverPolicy: "Automatic", failoverWithDataLossGracePeriodMinutes: 60}` and `partnerServers: [{id: secondary.id}]`.',
  config: {
    allowedFailoverPolicies: { type: "array", items: { type: "string", enum: ["Automatic", "Manual"] }, default: ["Automatic"], description: "Accepted readWriteEndpoint.failoverPolicy values." },
    minGracePeriodMinutes: { type: "integer", minimum: 60, maximum: 100000, default: 60, description: "Minimum failoverWithDataLossGracePeriodMinutes for Automatic groups (Azure's floor is 60)." },
  },
  check({ props, cfg, report }) {
    const p = props as Props<sql.FailoverGroupArgs>;
    const rw = p.readWriteEndpoint as Record<string, unknown> | undefined;
    const allowed = cfgStrings(cfg, "allowedFailoverPolicies");
    const policy = rw?.failoverPolicy;
    if (typeof policy !== "string" || !allowed.some((a) => eqi(policy, a))) report.violation(`readWriteEndpoint.failoverPolicy is ${show(policy)}; allowed: ${allowed.join(", ")}`);
    if (eqi(policy, "Automatic")) {
      const grace = rw?.failoverWithDataLossGracePeriodMinutes;
      const min = cfgNumber(cfg, "minGracePeriodMinutes");
      if (typeof grace !== "number" || grace < min) report.violation(`failoverWithDataLossGracePeriodMinutes is ${show(grace)}; must be ≥ ${min}`);
    }
    if (!Array.isArray(p.partnerServers) || p.partnerServers.length === 0) report.violation("partnerServers is empty; a failover group needs a partner server in another region");
  },
};

export const sqlDatabaseRules: ResourceRule[] = [
  sqlDbTdeNotDisabled,
  sqlDbBackupRedundancy,
  sqlDbShortTermRetention,
  sqlDbLongTermRetention,
  sqlZoneRedundancy,
  sqlFailoverGroupPolicy,
];
