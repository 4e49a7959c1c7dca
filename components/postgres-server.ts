// PostgresServer: an Azure Database for PostgreSQL flexible server with Entra auth only, CMK set at create,
// zone-redundant HA, geo-redundant backup, no public access, and server parameters applied one after another
// (the service answers ServerBusy to concurrent configuration updates).
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as pulumi from "@pulumi/pulumi";
import { diagnosticSetting } from "./diagnostics";
import { validateEntraAdmin } from "./entra";
import { dataOptions, lockResource, withTags } from "./options";
import { privateEndpoint } from "./private-endpoint";
import type { CmkRef, Diagnostics, EntraAdmin, Lock, PrivateAccess, ProtectionArgs, Tags } from "./types";
import { Validator } from "./validation";

/** Storage sizes the flexible server offers (GiB). */
export const PG_STORAGE_SIZES_GB = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768] as const;
export const PG_BACKUP_RETENTION_DAYS = { min: 7, max: 35 } as const;

export type PostgresNetwork = { delegatedSubnetId: pulumi.Input<string>; privateDnsZoneId: pulumi.Input<string> } | { privateAccess: PrivateAccess };

export interface PostgresServerArgs extends ProtectionArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  serverName?: string;
  /** Default "17". */
  version?: "14" | "15" | "16" | "17" | "18";
  /** e.g. Standard_D4ds_v5. */
  skuName: string;
  tier: "Burstable" | "GeneralPurpose" | "MemoryOptimized";
  /** One of PG_STORAGE_SIZES_GB; default 128, auto-grow on. */
  storageGb?: number;
  entraAdmin: EntraAdmin;
  /** Default false. */
  passwordAuth?: boolean;
  /** Required when passwordAuth is true; the password is always made a Pulumi secret (e.g. RotatingCredential). */
  passwordAdmin?: { login: string; password: pulumi.Input<string> };
  /** Required at create (cannot be added later); geoBackup key in the paired region when geo backup is on. */
  cmk: { primary: CmkRef; geoBackup?: CmkRef };
  /** Default ZoneRedundant (not for Burstable). */
  ha?: "ZoneRedundant" | "SameZone" | "Disabled";
  /** Default true (create-time). */
  geoRedundantBackup?: boolean;
  /** 7–35; default 35. */
  backupRetentionDays?: number;
  /** VNet injection, or a private endpoint. One is required (public access stays off). */
  network: PostgresNetwork;
  /** Server parameters, applied strictly one after another in the given order. */
  parameters?: Record<string, string>;
  databases?: string[];
  diagnostics?: Diagnostics;
  lock?: Lock;
  tags?: Tags;
}

const PRINCIPAL_TYPE = { User: "user", Group: "group", Application: "servicePrincipal" } as const;

/** Checks PostgresServer args without creating anything; the constructor runs it before registering. */
export function validatePostgresServerArgs(name: string, args: PostgresServerArgs) {
  const v: Validator = new Validator("PostgresServer", name);
  v.pattern("location", args.location, /^[a-z0-9]+$/, "an Azure region name such as westeurope");
  if (args.serverName !== undefined) v.pattern("serverName", args.serverName, /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, "3–63 lower-case letters, digits and hyphens");
  const version = args.version ?? "17";
  v.oneOf("version", version, ["14", "15", "16", "17", "18"]);
  v.pattern("skuName", args.skuName, /^Standard_[A-Za-z0-9_]+$/, "an Azure VM size such as Standard_D4ds_v5");
  v.oneOf("tier", args.tier, ["Burstable", "GeneralPurpose", "MemoryOptimized"]);
  const storageGb = args.storageGb ?? 128;
  v.oneOf("storageGb", storageGb, PG_STORAGE_SIZES_GB);
  v.required("entraAdmin", args.entraAdmin, "an Entra admin (Entra authentication is always on)");
  validateEntraAdmin(v, args.entraAdmin);
  const passwordAuth = args.passwordAuth ?? false;
  if (passwordAuth) {
    v.required("passwordAdmin", args.passwordAdmin, "a login and password when passwordAuth is true");
    v.pattern("passwordAdmin.login", args.passwordAdmin.login, /^[a-z_][a-z0-9_]{0,62}$/, "a lower-case PostgreSQL role name");
    v.check(!["azure_superuser", "azure_pg_admin", "admin", "administrator", "root", "guest", "public", "postgres"].includes(args.passwordAdmin.login), "passwordAdmin.login", args.passwordAdmin.login, "not a reserved role name");
  } else {
    v.check(args.passwordAdmin === undefined, "passwordAdmin", args.passwordAdmin?.login, "only with passwordAuth: true");
  }
  v.required("cmk.primary", args.cmk?.primary, "a customer-managed key (CMK can only be set when the server is created)");
  const ha = args.ha ?? "ZoneRedundant";
  v.oneOf("ha", ha, ["ZoneRedundant", "SameZone", "Disabled"]);
  if (args.tier === "Burstable") v.check(ha === "Disabled", "ha", ha, `"Disabled" for the Burstable tier (high availability needs GeneralPurpose or MemoryOptimized)`);
  const geo = args.geoRedundantBackup ?? true;
  if (geo) v.required("cmk.geoBackup", args.cmk.geoBackup, "a key and identity in the paired region: geo-redundant backups of a CMK server are encrypted with their own key");
  const retention = args.backupRetentionDays ?? PG_BACKUP_RETENTION_DAYS.max;
  v.intRange("backupRetentionDays", retention, PG_BACKUP_RETENTION_DAYS.min, PG_BACKUP_RETENTION_DAYS.max);
  v.required("network", args.network, "a delegated subnet with a private DNS zone, or a private endpoint (public access is off)");
  const params = Object.entries(args.parameters ?? {});
  for (const [k, value] of params) {
    v.pattern(`parameters.${k}`, k, /^[a-z][a-z0-9_.]{0,127}$/, "a PostgreSQL parameter name (lower case)");
    v.check(typeof value === "string" && value.length > 0, `parameters.${k}`, value, "a non-empty string value");
  }
  const dbs = args.databases ?? [];
  for (const [i, d] of dbs.entries()) {
    v.pattern(`databases[${i}]`, d, /^[a-zA-Z_][a-zA-Z0-9_-]{0,62}$/, "a database name of letters, digits, '_' and '-'");
    v.check(!["postgres", "azure_maintenance", "azure_sys", "template0", "template1"].includes(d), `databases[${i}]`, d, "not a system database name");
    v.check(dbs.indexOf(d) === i, `databases[${i}]`, d, "each database once");
  }
  v.oneOf("lock", args.lock ?? "None", ["CanNotDelete", "ReadOnly", "None"]);
  return { version, storageGb, passwordAuth, ha, geo, retention, params, dbs };
}

export class PostgresServer extends pulumi.ComponentResource {
  readonly server: dbforpostgresql.Server;
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly fqdn: pulumi.Output<string>;
  readonly location: string;
  /** The configuration resources in the order they are applied. */
  readonly configurations: dbforpostgresql.Configuration[] = [];
  readonly databases: Record<string, dbforpostgresql.Database> = {};

  constructor(name: string, args: PostgresServerArgs, opts?: pulumi.ComponentResourceOptions) {
    const { version, storageGb, passwordAuth, ha, geo, retention, params, dbs } = validatePostgresServerArgs(name, args);

    super("sqlfleet:dbforpostgresql:PostgresServer", name, {}, opts);
    this.location = args.location;
    const tags = withTags(args.tags);
    const { primary, geoBackup } = args.cmk;
    const identityIds = [primary.identityId, ...(geo && geoBackup ? [geoBackup.identityId] : [])];
    const vnet = "delegatedSubnetId" in args.network ? args.network : undefined;

    this.server = new dbforpostgresql.Server(
      `${name}-server`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        serverName: args.serverName,
        version,
        createMode: "Create",
        sku: { name: args.skuName, tier: args.tier },
        storage: { storageSizeGB: storageGb, autoGrow: "Enabled" },
        backup: { backupRetentionDays: retention, geoRedundantBackup: geo ? "Enabled" : "Disabled" },
        highAvailability: { mode: ha },
        authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: passwordAuth ? "Enabled" : "Disabled", tenantId: args.entraAdmin.tenantId },
        administratorLogin: args.passwordAdmin?.login,
        administratorLoginPassword: args.passwordAdmin ? pulumi.secret(args.passwordAdmin.password) : undefined,
        // A map keyed by identity id here (an array on sql.Server).
        identity: {
          type: "UserAssigned",
          userAssignedIdentities: pulumi.all(identityIds).apply((ids) => Object.fromEntries(ids.map((id) => [id, {}]))),
        },
        dataEncryption: {
          type: "AzureKeyVault",
          primaryKeyURI: primary.keyUri,
          primaryUserAssignedIdentityId: primary.identityId,
          geoBackupKeyURI: geo ? geoBackup?.keyUri : undefined,
          geoBackupUserAssignedIdentityId: geo ? geoBackup?.identityId : undefined,
        },
        network: vnet
          ? { publicNetworkAccess: "Disabled", delegatedSubnetResourceId: vnet.delegatedSubnetId, privateDnsZoneArmResourceId: vnet.privateDnsZoneId }
          : { publicNetworkAccess: "Disabled" },
        tags,
      },
      dataOptions(this, args.deprovision, {
        dependsOn: [...(primary.readyResources ?? []), ...(geo ? (geoBackup?.readyResources ?? []) : [])],
        additionalSecretOutputs: ["administratorLoginPassword"],
        // CMK and geo-redundant backup can only be chosen at create: show a change as a replacement (protect blocks it).
        replaceOnChanges: ["dataEncryption", "backup.geoRedundantBackup"],
      }),
    );
    const base = { resourceGroupName: args.resourceGroupName, serverName: this.server.name };

    const admin = new dbforpostgresql.AdministratorsMicrosoftEntra(
      `${name}-entra-admin`,
      { ...base, objectId: args.entraAdmin.objectId, principalName: args.entraAdmin.login, principalType: PRINCIPAL_TYPE[args.entraAdmin.principalType], tenantId: args.entraAdmin.tenantId },
      { parent: this, dependsOn: [this.server] },
    );

    // One at a time: each configuration waits for the previous one.
    let previous: pulumi.Resource = admin;
    for (const [key, value] of params) {
      const config: dbforpostgresql.Configuration = new dbforpostgresql.Configuration(
        `${name}-param-${key.replace(/[^a-z0-9]+/g, "-")}`,
        { ...base, configurationName: key, value, source: "user-override" },
        { parent: this, dependsOn: [previous] },
      );
      this.configurations.push(config);
      previous = config;
    }
    for (const d of dbs) {
      this.databases[d] = new dbforpostgresql.Database(
        `${name}-db-${d}`,
        { ...base, databaseName: d, charset: "UTF8", collation: "en_US.utf8" },
        dataOptions(this, args.deprovision, { dependsOn: [previous] }),
      );
    }
    if (!vnet) {
      privateEndpoint(name, { resourceGroupName: args.resourceGroupName, location: args.location, targetId: this.server.id, groupId: "postgresqlServer", access: (args.network as { privateAccess: PrivateAccess }).privateAccess, tags }, { parent: this });
    }
    if (args.diagnostics) diagnosticSetting(`${name}-diag`, this.server.id, "postgres", args.diagnostics, { parent: this });
    lockResource(`${name}-lock`, this.server.id, args.lock ?? "None", args.deprovision, this, [this.server]);

    this.id = this.server.id;
    this.name = this.server.name;
    this.fqdn = this.server.fullyQualifiedDomainName;
    this.registerOutputs({ id: this.id, name: this.name, fqdn: this.fqdn });
  }
}
