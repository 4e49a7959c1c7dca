// Monitoring: the Log Analytics workspace, saved queries over the SQL audit log, and diagnostic settings for
// resources created elsewhere. Components create their own settings and alerts through components/diagnostics.ts.
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";
import { AUDIT_QUERIES } from "./audit-queries";
import { diagnosticSetting, type DiagnosticKind } from "./diagnostics";
import { withTags } from "./options";
import type { Diagnostics, Tags } from "./types";
import { Validator } from "./validation";

export type DiagnosticTargetKind = Exclude<DiagnosticKind, "master">;

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

/** Checks Monitoring args without creating anything; the constructor runs it before registering. */
export function validateMonitoringArgs(name: string, args: MonitoringArgs) {
  const v: Validator = new Validator("Monitoring", name);
  v.pattern("location", args.location, /^[a-z0-9]+$/, "an Azure region name such as westeurope");
  if (args.workspaceName !== undefined) v.pattern("workspaceName", args.workspaceName, /^[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]$/, "4–63 letters, digits and hyphens");
  const retention = args.retentionInDays ?? 90;
  v.intRange("retentionInDays", retention, 30, 730);
  const seen = new Set<string>();
  for (const [i, t] of (args.targets ?? []).entries()) {
    v.pattern(`targets[${i}].name`, t.name, /^[a-z0-9][a-z0-9-]{0,62}$/, "a lower-case name for the setting");
    v.check(!seen.has(t.name), `targets[${i}].name`, t.name, "unique target names");
    seen.add(t.name);
    v.oneOf(`targets[${i}].kind`, t.kind, ["server", "pool", "database", "vault", "postgres"]);
  }
  return { retention };
}

export class Monitoring extends pulumi.ComponentResource {
  readonly workspace: operationalinsights.Workspace;
  readonly workspaceId: pulumi.Output<string>;
  readonly workspaceName: pulumi.Output<string>;
  /** The workspace's customer id (GUID) used by queries. */
  readonly workspaceCustomerId: pulumi.Output<string>;
  /** Ready-made Diagnostics arg for the other components. */
  readonly diagnostics: Diagnostics;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    const { retention } = validateMonitoringArgs(name, args);

    super("sqlfleet:monitor:Monitoring", name, {}, opts);
    this.workspace = new operationalinsights.Workspace(
      `${name}-law`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        workspaceName: args.workspaceName,
        sku: { name: "PerGB2018" },
        retentionInDays: retention,
        features: { disableLocalAuth: true },
        tags: withTags(args.tags),
      },
      { parent: this },
    );
    this.workspaceId = this.workspace.id;
    this.workspaceName = this.workspace.name;
    this.workspaceCustomerId = this.workspace.customerId;
    this.diagnostics = { workspaceId: this.workspace.id };

    if (args.savedQueries ?? true) {
      for (const q of AUDIT_QUERIES) {
        new operationalinsights.SavedSearch(
          `${name}-${q.id}`,
          {
            resourceGroupName: args.resourceGroupName,
            workspaceName: this.workspace.name,
            savedSearchId: q.id,
            category: "sqlfleet audit",
            displayName: q.displayName,
            functionAlias: q.functionAlias,
            query: q.query,
            version: 2,
          },
          { parent: this },
        );
      }
    }
    for (const t of args.targets ?? []) {
      const uri = t.kind === "server" ? pulumi.interpolate`${t.resourceId}/databases/master` : t.resourceId;
      diagnosticSetting(`${name}-${t.name}-diag`, uri, t.kind, this.diagnostics, { parent: this });
    }
    this.registerOutputs({ workspaceId: this.workspaceId, workspaceName: this.workspaceName, workspaceCustomerId: this.workspaceCustomerId });
  }
}
