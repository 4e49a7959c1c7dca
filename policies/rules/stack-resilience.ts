// Stack rules over relations: the CMK chain (key, vault, identity, role), production databases in failover
// groups, and private endpoints (research/policies.md §5.6).
import * as authorization from "@pulumi/azure-native/authorization";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as sql from "@pulumi/azure-native/sql";
import type { PolicyResource } from "@pulumi/policy";
import { inputSet, knownOr, label, ofType, ownerOf, sources, usesOutputOf } from "../graph";
import { isKind, kindOf, tokenOf, type Reporter, type StackCheck, type StackRule } from "../rule";
import { cfgNumber, eqi, isBlank } from "../values";
import { vaultRecoverabilityProblems } from "./keyvault";
import { isSecondary } from "./sql-database";
import { childrenOfServer } from "./stack-coverage";

type Rec = Record<string, unknown>;

/** Key Vault Crypto Service Encryption User (built-in role id). */
export const CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6";

function keysFor(resources: PolicyResource[], consumer: PolicyResource, input: string, uris: () => unknown[]): PolicyResource[] {
  const linked = sources(consumer, input, keyvault.Key);
  if (linked.length > 0) return linked;
  const wanted = uris().map((u) => String(u ?? "").toLowerCase().replace(/\/$/, "")).filter((u) => u.length > 0);
  return ofType(resources, keyvault.Key).filter((k) => [k.props.keyUri, k.props.keyUriWithVersion].some((x) => typeof x === "string" && wanted.includes(x.toLowerCase())));
}

/**
 * Checks a CMK consumer's chain: each key is a keyvault.Key of this stack in a recoverable vault open to trusted
 * services, and each identity holds Key Vault Crypto Service Encryption User on one of those keys or its vault.
 * (A PostgreSQL server can use two pairs, primary and geo-backup, under one `dataEncryption` input.)
 */
function checkKeyChain(s: StackCheck, consumer: PolicyResource, keys: PolicyResource[], identities: PolicyResource[], r: Reporter): void {
  if (keys.length === 0) {
    r.violation(`${label(consumer)} uses a key that is not a keyvault.Key in this stack, so its vault cannot be verified`, consumer.urn);
    return;
  }
  const scopes: PolicyResource[] = [];
  for (const key of keys) {
    scopes.push(key);
    const vault = ownerOf(key, "vaultName", keyvault.Vault);
    if (!vault) {
      r.violation(`${label(key)} (used by ${label(consumer)}) is in a vault not managed in this stack`, consumer.urn);
      continue;
    }
    scopes.push(vault);
    for (const m of vaultRecoverabilityProblems(vault.props, cfgNumber(s.cfg, "minSoftDeleteDays"))) r.violation(`${label(vault)} holding the CMK of ${label(consumer)}: ${m}`, consumer.urn);
    const bypass = ((vault.props.properties as Rec | undefined)?.networkAcls as Rec | undefined)?.bypass;
    if (!eqi(bypass, "AzureServices")) r.violation(`${label(vault)} holding the CMK of ${label(consumer)} does not let trusted Azure services through (networkAcls.bypass)`, consumer.urn);
  }
  if (identities.length === 0) {
    r.advisory(`${label(consumer)}'s key identity is not a UserAssignedIdentity in this stack; its key role cannot be verified`, consumer.urn);
    return;
  }
  for (const id of identities) {
    const granted = ofType(s.resources, authorization.RoleAssignment).some(
      (ra) =>
        usesOutputOf(ra, id, "principalId") &&
        scopes.some((scope) => usesOutputOf(ra, scope, "scope")) &&
        String(ra.props.roleDefinitionId ?? "").toLowerCase().endsWith(CRYPTO_SERVICE_ENCRYPTION_USER),
    );
    if (!granted) r.violation(`${label(id)} (CMK identity of ${label(consumer)}) holds no Key Vault Crypto Service Encryption User role on ${keys.map(label).join(" or ")} or its vault`, consumer.urn);
  }
}

export const stackCmkChain: StackRule = {
  kind: "stack",
  id: "sqlfleet-stack-cmk-chain",
  title: "Every CMK chain is complete",
  description: "Every server or database with a customer-managed key must use a key of this stack in a recoverable vault open to trusted services, through an identity holding Key Vault Crypto Service Encryption User; SQL servers also need a server key and an encryption protector.",
  level: "mandatory",
  severity: "critical",
  anchors: { mcsb: ["DP-5", "DP-6"], azurePolicy: ["0a370ff3-6cab-4e85-8995-295fd854c5b8", "12c74c95-0efd-48da-b8d9-2a7d68470c92"], docs: ["azure-sql/database/transparent-data-encryption-byok-overview.md"] },
  remediation: "Use the CustomerManagedKey component: a key in a purge-protected RBAC vault (bypass AzureServices), a UAMI with the Crypto Service Encryption User role on the key, then the server with keyId, a ServerKey and an EncryptionProtector.",
  config: {
    minSoftDeleteDays: { type: "integer", minimum: 7, maximum: 90, default: 90, description: "Minimum softDeleteRetentionInDays of a CMK vault." },
  },
  check(s) {
    const { resources, report, guard } = s;
    for (const server of ofType(resources, sql.Server)) {
      guard(server.urn, `CMK chain of ${label(server)}`, () => {
        if (!inputSet(server, "keyId")) return; // sqlfleet-sql-tde-cmk reports the missing key
        const keys = keysFor(resources, server, "keyId", () => [server.props.keyId]);
        const identities = sources(server, "primaryUserAssignedIdentityId", managedidentity.UserAssignedIdentity);
        checkKeyChain(s, server, keys, identities, report);
        if (childrenOfServer(resources, server, sql.ServerKey).length === 0) report.violation(`${label(server)} has no sql.ServerKey for its CMK`, server.urn);
        if (childrenOfServer(resources, server, sql.EncryptionProtector).length === 0) report.violation(`${label(server)} has no sql.EncryptionProtector`, server.urn);
      });
    }
    for (const db of ofType(resources, sql.Database)) {
      guard(db.urn, `per-database CMK chain of ${label(db)}`, () => {
        if (!inputSet(db, "encryptionProtector")) return; // the server's protector applies
        const keys = keysFor(resources, db, "encryptionProtector", () => [db.props.encryptionProtector]);
        checkKeyChain(s, db, keys, sources(db, "identity", managedidentity.UserAssignedIdentity), report);
      });
    }
    for (const server of ofType(resources, dbforpostgresql.Server)) {
      guard(server.urn, `CMK chain of ${label(server)}`, () => {
        // A key of this stack feeding dataEncryption means CMK (known during preview); else read the type.
        const linked = sources(server, "dataEncryption", keyvault.Key);
        const enc = () => (server.props.dataEncryption as Rec | undefined) ?? {};
        if (linked.length === 0 && !eqi(enc().type, "AzureKeyVault")) return; // sqlfleet-pg-cmk reports it
        const keys = linked.length > 0 ? linked : keysFor(resources, server, "dataEncryption", () => [enc().primaryKeyURI, enc().geoBackupKeyURI]);
        checkKeyChain(s, server, keys, sources(server, "dataEncryption", managedidentity.UserAssignedIdentity), report);
      });
    }
  },
};

export const stackProdDbInFailoverGroup: StackRule = {
  kind: "stack",
  id: "sqlfleet-stack-prod-db-in-failover-group",
  title: "Every production database is in a failover group",
  description: "In production, every SQL database must belong to a failover group whose partner server is in another region.",
  level: "mandatory",
  severity: "high",
  productionOnly: true,
  anchors: { cis: ["CIS Controls 8.1 12.2"], pulumi: ["sql-database-high-availability", "azure-database-multi-region-support"], docs: ["azure-sql/database/auto-failover-group-sql-db.md"] },
  remediation: "Add the database's id to a sql.FailoverGroup's `databases` (the FailoverGroup component), with the partner server in the paired region.",
  check({ resources, report, guard }) {
    const groups = ofType(resources, sql.FailoverGroup);
    for (const db of ofType(resources, sql.Database)) {
      if (groups.some((g) => usesOutputOf(g, db, "databases"))) continue;
      guard(db.urn, `failover group of ${label(db)}`, () => {
        if (isSecondary(db.props.createMode) || eqi(db.props.databaseName, "master")) return;
        // Not linked: compare ids only if some group lists literal ids (reading the database id needs it known).
        const literal = groups.flatMap((g) => (Array.isArray(g.props.databases) ? (g.props.databases as unknown[]) : [])).filter((d): d is string => typeof d === "string");
        const id = literal.length > 0 ? String(db.props.id ?? "").toLowerCase() : undefined;
        if (!literal.some((d) => d.toLowerCase() === id)) report.violation(`${label(db)} is in no failover group`, db.urn);
      });
    }
    for (const g of groups) {
      const primary = ownerOf(g, "serverName", sql.Server);
      const partners = sources(g, "partnerServers", sql.Server);
      if (!primary) continue;
      guard(g.urn, `partner regions of ${label(g)}`, () => {
        for (const p of partners) {
          if (!isBlank(p.props.location) && eqi(p.props.location, String(primary.props.location ?? ""))) {
            report.violation(`${label(g)}: partner ${label(p)} is in the primary's region ${String(p.props.location)}; it must be in another region`, g.urn);
          }
        }
      });
    }
  },
};

const PE_GROUPS: [string, string][] = [
  [tokenOf(sql.Server), "sqlServer"],
  [tokenOf(keyvault.Vault), "vault"],
  [tokenOf(dbforpostgresql.Server), "postgresqlServer"],
];

export const stackPrivateEndpoints: StackRule = {
  kind: "stack",
  id: "sqlfleet-stack-private-endpoints",
  title: "Servers and vaults are reached through private endpoints",
  description: "Every SQL server, Key Vault and public-disabled PostgreSQL server outside a delegated subnet should have a private endpoint connected to it.",
  level: "advisory",
  severity: "medium",
  anchors: {
    mcsb: ["NS-2", "DP-8"],
    azurePolicy: ["7698e800-9299-47a6-b3b6-5a0fee576eed", "a6abeaec-4d90-4a02-805f-6b26c4d3fbe9", "5375a5bb-22c6-46d7-8a43-83417cfb4460"],
    checkov: ["CKV2_AZURE_45", "CKV2_AZURE_32", "CKV2_AZURE_57"],
    pulumi: ["sql-server-private-endpoints"],
  },
  remediation: 'Add a network.PrivateEndpoint with privateLinkServiceConnections: [{privateLinkServiceId: <resource>.id, groupIds: ["sqlServer" | "vault" | "postgresqlServer"]}].',
  check({ resources, report, guard }) {
    const endpoints = ofType(resources, network.PrivateEndpoint);
    for (const t of ofType(resources, sql.Server, keyvault.Vault, dbforpostgresql.Server)) {
      guard(t.urn, `private endpoint of ${label(t)}`, () => {
        if (isKind(t.type, dbforpostgresql.Server)) {
          const net = (t.props.network as Rec | undefined) ?? {};
          // VNet-integrated servers need no endpoint; public ones are sqlfleet-pg-no-public-network's finding.
          if (!isBlank(net.delegatedSubnetResourceId) || !eqi(net.publicNetworkAccess, "Disabled")) return;
        }
        const group = PE_GROUPS.find(([type]) => type === kindOf(t.type))?.[1] ?? "";
        const connected = endpoints.filter((pe) => usesOutputOf(pe, t, "privateLinkServiceConnections"));
        if (connected.length === 0) {
          report.violation(`${label(t)} has no private endpoint connected to it`, t.urn);
          return;
        }
        // The link is known during preview; the group ids are checked once they are known.
        const groups = knownOr(() => {
          const conns = connected.flatMap((pe) => (Array.isArray(pe.props.privateLinkServiceConnections) ? (pe.props.privateLinkServiceConnections as Rec[]) : []));
          return conns.flatMap((c) => (Array.isArray(c.groupIds) ? (c.groupIds as unknown[]).map(String) : []));
        }, [group]);
        if (!groups.includes(group)) report.violation(`${label(t)}'s private endpoint does not use groupIds ["${group}"]`, t.urn);
      });
    }
  },
};

export const stackResilienceRules: StackRule[] = [stackCmkChain, stackProdDbInFailoverGroup, stackPrivateEndpoints];
