// Which config key can cause a policy finding, so the PR check points a review annotation (SARIF
// physicalLocation.region) at the line that set it rather than at the top of the file. Only the policies whose
// verdict a Pulumi.<stack>.yaml key decides are listed: the stack programs set everything else themselves.
// `environment` keys live in the environment's file even when a customer stack's resource is flagged.

export interface FindingKey {
  key: string;
  environment?: boolean;
}

const env = (key: string): FindingKey => ({ key: `sqlfleet:${key}`, environment: true });
const own = (key: string): FindingKey => ({ key: `sqlfleet:${key}` });

const POLICY_KEYS: Record<string, readonly FindingKey[]> = {
  "sqlfleet-sql-server-no-public-network": [env("publicNetworkAccess")],
  "sqlfleet-sql-db-backup-redundancy": [env("backupRedundancy")],
  "sqlfleet-sql-db-short-term-retention": [env("shortTermRetentionDays")],
  "sqlfleet-sql-zone-redundancy": [env("pools")],
  "sqlfleet-sql-failover-group-policy": [env("failoverGracePeriodMinutes")],
  "sqlfleet-kv-key-strength": [env("cmk.keySize"), env("cmk.keyType")],
  "sqlfleet-pg-resilience": [env("postgres.tier"), env("postgres.skuName"), env("postgres")],
  "sqlfleet-stack-audit-retention": [env("logRetentionDays")],
  "sqlfleet-stack-prod-db-in-failover-group": [env("secondaryRegion")],
  // The flag of the stack itself: an environment's lifts its servers and vaults, a customer's its databases.
  "sqlfleet-stack-prod-deprovision": [own("deprovision")],
};

/** The keys that can decide this policy's verdict, most specific first (none: no config key does). */
export function findingKeys(policyId: string): readonly FindingKey[] {
  return POLICY_KEYS[policyId] ?? [];
}
