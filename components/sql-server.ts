// SqlServer: a logical Azure SQL server with the security baseline (Entra-only, CMK, TLS 1.2, private access,
// auditing to Log Analytics incl. the master diagnostic setting, Defender and vulnerability assessment).
import * as sql from "@pulumi/azure-native/sql";
import * as pulumi from "@pulumi/pulumi";
import { diagnosticSetting } from "./diagnostics";
import { validateEntraAdmin } from "./entra";
import { dataOptions, lockResource, withTags } from "./options";
import { privateEndpoint } from "./private-endpoint";
import type { CmkRef, Diagnostics, EntraAdmin, Lock, PrivateAccess, ProtectionArgs, ServerRef, Tags } from "./types";
import { Validator } from "./validation";

/** The recommended audit action groups (Bicep/TF AVM defaults). */
export const DEFAULT_AUDIT_ACTION_GROUPS = [
  "BATCH_COMPLETED_GROUP",
  "SUCCESSFUL_DATABASE_AUTHENTICATION_GROUP",
  "FAILED_DATABASE_AUTHENTICATION_GROUP",
] as const;

/** Login names Azure SQL refuses for the SQL admin. */
const RESERVED_LOGINS = ["admin", "administrator", "sa", "root", "dbmanager", "loginmanager", "dbo", "guest", "public"];
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export interface SqlServerArgs extends ProtectionArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  /** Azure server name (globally unique DNS label, ^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$); default: auto-named. */
  serverName?: string;
  /** Required when Entra-only authentication is on (the default). */
  entraAdmin?: EntraAdmin;
  /** Default true. */
  entraOnly?: boolean;
  /** SQL authentication admin, allowed only with entraOnly: false; the password is always made a Pulumi secret. */
  sqlAdmin?: { login: string; password: pulumi.Input<string> };
  /** The TDE protector key and the identity that reaches it. */
  cmk: CmkRef;
  /** Default "Disabled". */
  publicNetworkAccess?: "Disabled" | "Enabled";
  privateAccess?: PrivateAccess;
  /** Only allowed with publicNetworkAccess "Enabled". */
  firewallRules?: { name: string; start: string; end: string }[];
  /** Audit logs, the master diagnostic setting and server diagnostics go here. */
  diagnostics: Diagnostics;
  /** Audit action groups; default the three recommended groups. */
  auditActionGroups?: string[];
  /** Defender security alert e-mail recipients. */
  alertEmails?: string[];
  /** Lock on the server; default "None" (a CanNotDelete lock on a server also blocks deleting its databases). */
  lock?: Lock;
  tags?: Tags;
}

/** Server key names are `<vault>_<key>_<version>`, taken from the versioned key URI. */
export function serverKeyName(keyUriWithVersion: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(keyUriWithVersion).apply((uri) => {
    const m = /^https:\/\/([^.]+)\.vault\.azure\.net\/keys\/([^/]+)\/([^/]+)$/.exec(uri);
    if (!m) throw new Error(`not a versioned Key Vault key URI: ${uri}`);
    return `${m[1]}_${m[2]}_${m[3]}`;
  });
}

/** Checks SqlServer args without creating anything; the constructor runs it before registering. */
export function validateSqlServerArgs(name: string, args: SqlServerArgs) {
  const v: Validator = new Validator("SqlServer", name);
  const entraOnly = args.entraOnly ?? true;
  const publicAccess = args.publicNetworkAccess ?? "Disabled";
  v.pattern("location", args.location, /^[a-z0-9]+$/, "an Azure region name such as westeurope");
  if (args.serverName !== undefined) {
    v.pattern("serverName", args.serverName, /^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/, "1–63 lower-case letters, digits and hyphens, not starting or ending with a hyphen");
  }
  if (entraOnly) v.required("entraAdmin", args.entraAdmin, "an Entra admin (login, objectId, principalType, tenantId) when entraOnly is true");
  if (args.entraAdmin) validateEntraAdmin(v, args.entraAdmin);
  if (args.sqlAdmin) {
    v.check(!entraOnly, "sqlAdmin", args.sqlAdmin.login, "only with entraOnly: false (Entra-only servers have no SQL admin)");
    v.pattern("sqlAdmin.login", args.sqlAdmin.login, /^[a-zA-Z][a-zA-Z0-9_]{0,127}$/, "a login of letters, digits and underscores, starting with a letter");
    v.check(!RESERVED_LOGINS.includes(args.sqlAdmin.login.toLowerCase()), "sqlAdmin.login", args.sqlAdmin.login, `not one of the reserved names ${RESERVED_LOGINS.join(", ")}`);
    v.check(args.sqlAdmin.login !== args.entraAdmin?.login, "sqlAdmin.login", args.sqlAdmin.login, "a name different from entraAdmin.login");
    v.required("sqlAdmin.password", args.sqlAdmin.password, "a password (e.g. RotatingCredential.password)");
  }
  if (!entraOnly && !args.entraAdmin) v.required("sqlAdmin", args.sqlAdmin, "an Entra admin or a SQL admin");
  v.required("cmk", args.cmk, "a customer-managed key (CustomerManagedKey)");
  v.oneOf("publicNetworkAccess", publicAccess, ["Disabled", "Enabled"]);
  const rules = args.firewallRules ?? [];
  if (rules.length > 0) v.check(publicAccess === "Enabled", "firewallRules", rules.map((r) => r.name), `none while publicNetworkAccess is "Disabled"`);
  for (const [i, r] of rules.entries()) {
    v.pattern(`firewallRules[${i}].name`, r.name, /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,79}$/, "1–80 letters, digits, '-' and '_'");
    v.pattern(`firewallRules[${i}].start`, r.start, IPV4, "an IPv4 address");
    v.pattern(`firewallRules[${i}].end`, r.end, IPV4, "an IPv4 address");
    v.check(r.start !== "0.0.0.0" || r.end !== "0.0.0.0", `firewallRules[${i}]`, r, "a real address range (0.0.0.0 opens the server to every Azure tenant)");
  }
  v.required("diagnostics", args.diagnostics, "a Log Analytics workspace for auditing");
  const groups = args.auditActionGroups ?? [...DEFAULT_AUDIT_ACTION_GROUPS];
  v.check(groups.length > 0, "auditActionGroups", groups, "at least one audit action group");
  for (const g of groups) v.pattern("auditActionGroups", g, /^[A-Z_]+$/, "audit action group names such as FAILED_DATABASE_AUTHENTICATION_GROUP");
  for (const e of args.alertEmails ?? []) v.pattern("alertEmails", e, /^[^@\s]+@[^@\s]+\.[^@\s]+$/, "e-mail addresses");
  v.oneOf("lock", args.lock ?? "None", ["CanNotDelete", "ReadOnly", "None"]);
  return { entraOnly, publicAccess, rules, groups };
}

export class SqlServer extends pulumi.ComponentResource implements ServerRef {
  readonly server: sql.Server;
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly resourceGroupName: pulumi.Output<string>;
  readonly location: string;
  readonly fqdn: pulumi.Output<string>;
  /** The user-assigned identity used as primary identity (the CMK identity). */
  readonly identityId: pulumi.Output<string>;
  readonly entraOnly: boolean;
  readonly serverKey: sql.ServerKey;
  readonly encryptionProtector: sql.EncryptionProtector;
  readonly auditing: sql.ExtendedServerBlobAuditingPolicy;
  readonly masterDiagnostics: pulumi.Resource;

  constructor(name: string, args: SqlServerArgs, opts?: pulumi.ComponentResourceOptions) {
    const { entraOnly, publicAccess, rules, groups } = validateSqlServerArgs(name, args);

    super("sqlfleet:sql:SqlServer", name, {}, opts);
    this.location = args.location;
    this.entraOnly = entraOnly;
    const tags = withTags(args.tags);
    const admin = args.entraAdmin;

    // Created with the CMK identity and key (the RP checks key access at create, so wait for the role assignment).
    // `administrators` is create-only: later changes go through the child resources below (ignoreChanges).
    this.server = new sql.Server(
      `${name}-server`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        serverName: args.serverName,
        version: "12.0",
        minimalTlsVersion: "1.2",
        publicNetworkAccess: publicAccess,
        restrictOutboundNetworkAccess: "Enabled",
        identity: { type: "UserAssigned", userAssignedIdentities: [args.cmk.identityId] },
        primaryUserAssignedIdentityId: args.cmk.identityId,
        keyId: args.cmk.keyUri,
        administrators: admin
          ? {
              administratorType: "ActiveDirectory",
              azureADOnlyAuthentication: entraOnly,
              login: admin.login,
              sid: admin.objectId,
              tenantId: admin.tenantId,
              principalType: admin.principalType,
            }
          : undefined,
        administratorLogin: args.sqlAdmin?.login,
        administratorLoginPassword: args.sqlAdmin ? pulumi.secret(args.sqlAdmin.password) : undefined,
        tags,
      },
      dataOptions(this, args.deprovision, {
        ignoreChanges: ["administrators", "administratorLogin"],
        additionalSecretOutputs: ["administratorLoginPassword"],
        dependsOn: args.cmk.readyResources ?? [],
      }),
    );
    const base = { resourceGroupName: args.resourceGroupName, serverName: this.server.name };

    if (admin) {
      const entraAdmin = new sql.ServerAzureADAdministrator(
        `${name}-entra-admin`,
        { ...base, administratorName: "ActiveDirectory", administratorType: "ActiveDirectory", login: admin.login, sid: admin.objectId, tenantId: admin.tenantId },
        { parent: this, dependsOn: [this.server] },
      );
      new sql.ServerAzureADOnlyAuthentication(
        `${name}-entra-only`,
        { ...base, authenticationName: "Default", azureADOnlyAuthentication: entraOnly },
        { parent: this, dependsOn: [entraAdmin] },
      );
    }

    const keyName = serverKeyName(args.cmk.keyUriWithVersion);
    this.serverKey = new sql.ServerKey(
      `${name}-server-key`,
      { ...base, serverKeyType: "AzureKeyVault", keyName, uri: args.cmk.keyUriWithVersion },
      { parent: this },
    );
    this.encryptionProtector = new sql.EncryptionProtector(
      `${name}-protector`,
      { ...base, encryptionProtectorName: "current", serverKeyType: "AzureKeyVault", serverKeyName: keyName, autoRotationEnabled: true },
      { parent: this, dependsOn: [this.serverKey] },
    );

    this.auditing = new sql.ExtendedServerBlobAuditingPolicy(
      `${name}-auditing`,
      { ...base, blobAuditingPolicyName: "default", state: "Enabled", isAzureMonitorTargetEnabled: true, isDevopsAuditEnabled: true, auditActionsAndGroups: groups },
      { parent: this },
    );
    // Server audit events reach Log Analytics only through the master database's diagnostic setting.
    this.masterDiagnostics = diagnosticSetting(
      `${name}-master-diag`,
      pulumi.interpolate`${this.server.id}/databases/master`,
      "master",
      args.diagnostics,
      { parent: this, dependsOn: [this.auditing] },
    );

    const alertPolicy = new sql.ServerSecurityAlertPolicy(
      `${name}-defender`,
      { ...base, securityAlertPolicyName: "Default", state: "Enabled", emailAccountAdmins: true, emailAddresses: args.alertEmails ?? [] },
      { parent: this },
    );
    new sql.SqlVulnerabilityAssessmentsSetting(
      `${name}-vulnerability-assessment`,
      { ...base, vulnerabilityAssessmentName: "default", state: "Enabled" },
      { parent: this, dependsOn: [alertPolicy] },
    );

    if (args.privateAccess) {
      privateEndpoint(name, { resourceGroupName: args.resourceGroupName, location: args.location, targetId: this.server.id, groupId: "sqlServer", access: args.privateAccess, tags }, { parent: this });
    }
    for (const r of rules) {
      new sql.FirewallRule(`${name}-fw-${r.name}`, { ...base, firewallRuleName: r.name, startIpAddress: r.start, endIpAddress: r.end }, { parent: this });
    }
    lockResource(`${name}-lock`, this.server.id, args.lock ?? "None", args.deprovision, this, [this.server]);

    this.id = this.server.id;
    this.name = this.server.name;
    this.resourceGroupName = pulumi.output(args.resourceGroupName);
    this.fqdn = this.server.fullyQualifiedDomainName;
    this.identityId = pulumi.output(args.cmk.identityId);
    this.registerOutputs({ id: this.id, name: this.name, fqdn: this.fqdn, location: this.location });
  }
}
