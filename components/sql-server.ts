// SqlServer: a logical Azure SQL server with the security baseline (Entra-only, CMK, TLS 1.2, private access,
// auditing to Log Analytics incl. the master diagnostic setting, Defender and vulnerability assessment).
import * as sql from "@pulumi/azure-native/sql";
import * as pulumi from "@pulumi/pulumi";
import type { CmkRef, Diagnostics, EntraAdmin, Lock, PrivateAccess, ProtectionArgs, ServerRef, Tags } from "./types";

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

export class SqlServer extends pulumi.ComponentResource implements ServerRef {
  readonly server!: sql.Server;
  readonly id!: pulumi.Output<string>;
  readonly name!: pulumi.Output<string>;
  readonly resourceGroupName!: pulumi.Output<string>;
  readonly location: string;
  readonly fqdn!: pulumi.Output<string>;
  /** The user-assigned identity used as primary identity (the CMK identity). */
  readonly identityId!: pulumi.Output<string>;

  constructor(name: string, args: SqlServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("sqlfleet:sql:SqlServer", name, {}, opts);
    this.location = args.location;
    throw new Error("SqlServer: not implemented yet");
  }
}
