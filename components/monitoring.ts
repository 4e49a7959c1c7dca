// Monitoring: the Log Analytics workspace, saved queries over the SQL audit log, and diagnostic settings for
// resources created elsewhere. Other components call diagnosticSetting()/metricAlerts() (components/diagnostics.ts).
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";
import type { Diagnostics, Tags } from "./types";

export type DiagnosticTargetKind = "server" | "pool" | "database" | "vault" | "postgres";

export interface MonitoringArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  workspaceName?: string;
  /** 30–730; default 90. */
  retentionInDays?: number;
  /** Default true: saved searches for failed logins, permission changes and schema changes. */
  savedQueries?: boolean;
  /** Extra diagnostic settings to create now, for resources made elsewhere (vaults, servers, ...). */
  targets?: { name: string; resourceId: pulumi.Input<string>; kind: DiagnosticTargetKind }[];
  tags?: Tags;
}

export class Monitoring extends pulumi.ComponentResource {
  readonly workspace!: operationalinsights.Workspace;
  readonly workspaceId!: pulumi.Output<string>;
  readonly workspaceName!: pulumi.Output<string>;
  /** The workspace's customer id (GUID) used by queries. */
  readonly workspaceCustomerId!: pulumi.Output<string>;
  /** Ready-made Diagnostics arg for the other components. */
  readonly diagnostics!: Diagnostics;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("sqlfleet:monitor:Monitoring", name, {}, opts);
    void args;
    throw new Error("Monitoring: not implemented yet");
  }
}
