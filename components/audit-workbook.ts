// The Azure Monitor workbook people browse the audit log and pool metrics in: failed logins, permission and schema
// changes, top statements by duration, CPU and storage per elastic pool. The workbook JSON (schema Notebook/1.0,
// Microsoft's Application-Insights-Workbooks schema) is built here so its queries are the same text the saved
// searches and `sqlfleet logs export` run.
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { AUDIT_SOURCE, auditQueryOf } from "./audit-queries";
import { withTags } from "./options";
import type { Tags } from "./types";
import { Validator } from "./validation";

const WORKSPACE_TYPE = "microsoft.operationalinsights/workspaces";
/** Workbook item types of the Notebook/1.0 schema. */
const ITEM = { text: 1, query: 3, parameters: 9 } as const;
/** KqlItem queryType 0: Log Analytics. Parameter type 4: time range picker. */
const LOGS_QUERY = 0;
const TIME_RANGE_PARAMETER = 4;
const HOUR_MS = 3_600_000;

/** Top statements by duration: BATCH_COMPLETED events (action id BCM) carry the statement and its duration. */
export const TOP_QUERIES_KQL = `${AUDIT_SOURCE}
| where action_id_s == "BCM" or action_name_s == "BATCH COMPLETED"
| summarize executions = count(), total_ms = sum(duration_milliseconds_d), avg_ms = avg(duration_milliseconds_d), max_ms = max(duration_milliseconds_d) by server = LogicalServerName_s, database = database_name_s, statement = substring(statement_s, 0, 300)
| top 25 by total_ms desc`;

/** Pool metrics from AzureMetrics (pools' diagnostic settings send AllMetrics; ARM ids there are upper-case). */
export function poolMetricKql(metric: "cpu_percent" | "storage_percent", aggregate: "avg(Average)" | "max(Maximum)"): string {
  return `AzureMetrics
| where ResourceProvider == "MICROSOFT.SQL" and ResourceId has "/ELASTICPOOLS/"
| where MetricName == "${metric}"
| summarize value = ${aggregate} by pool = Resource, bin(TimeGenerated, {TimeRange:grain})
| render timechart`;
}

export const FAILED_LOGINS_OVER_TIME_KQL = `${AUDIT_SOURCE}
${auditQueryOf("failed-logins").filter}
| summarize failures = count() by principal = server_principal_name_s, bin(TimeGenerated, {TimeRange:grain})
| render timechart`;

interface WorkbookItem {
  type: number;
  name: string;
  content: Record<string, unknown>;
}

function text(name: string, markdown: string): WorkbookItem {
  return { type: ITEM.text, name, content: { json: markdown } };
}

function query(name: string, title: string, kql: string, visualization: "table" | "timechart"): WorkbookItem {
  return {
    type: ITEM.query,
    name,
    content: { version: "KqlItem/1.0", title, query: kql, size: 0, queryType: LOGS_QUERY, resourceType: WORKSPACE_TYPE, timeContextFromParameter: "TimeRange", timeContext: { durationMs: 86_400_000 }, visualization },
  };
}

/** The workbook document (serializedData) over one Log Analytics workspace. */
export function auditWorkbookContent(workspaceResourceId: string): Record<string, unknown> {
  const parameters: WorkbookItem = {
    type: ITEM.parameters,
    name: "parameters",
    content: {
      version: "KqlParameterItem/1.0",
      style: "pills",
      queryType: LOGS_QUERY,
      resourceType: WORKSPACE_TYPE,
      parameters: [
        {
          id: stableUuid("sqlfleet-audit-workbook:TimeRange"),
          version: "KqlParameterItem/1.0",
          name: "TimeRange",
          label: "Time range",
          type: TIME_RANGE_PARAMETER,
          isRequired: true,
          value: { durationMs: 24 * HOUR_MS },
          typeSettings: { allowCustom: true, selectableValues: [1, 4, 24, 72, 168, 720].map((h) => ({ durationMs: h * HOUR_MS })) },
        },
      ],
    },
  };
  return {
    version: "Notebook/1.0",
    items: [
      text("intro", "## sqlfleet: SQL audit and pool metrics\nAudit events of every server (category SQLSecurityAuditEvents in AzureDiagnostics) and elastic pool metrics (AzureMetrics). Download with `sqlfleet logs export`; the continuous JSON-lines archive is the workspace data export to storage."),
      parameters,
      query("failed-logins-over-time", "Failed logins over time", FAILED_LOGINS_OVER_TIME_KQL, "timechart"),
      query("failed-logins", "Failed logins", auditQueryOf("failed-logins").query, "table"),
      query("permission-changes", "Permission and role changes", auditQueryOf("permission-changes").query, "table"),
      query("schema-changes", "Schema changes (DDL)", auditQueryOf("schema-changes").query, "table"),
      query("top-queries", "Top statements by total duration", TOP_QUERIES_KQL, "table"),
      query("pool-cpu", "CPU percent per elastic pool (average)", poolMetricKql("cpu_percent", "avg(Average)"), "timechart"),
      query("pool-storage", "Storage percent per elastic pool (maximum)", poolMetricKql("storage_percent", "max(Maximum)"), "timechart"),
    ],
    fallbackResourceIds: [workspaceResourceId],
    $schema: "https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json",
  };
}

/** A workbook's name must be a UUID; derive it from the environment so every plan and deploy names the same one. */
export function stableUuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  // RFC 4122 layout: version nibble 5 (name-based), variant bits 10xx.
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface AuditWorkbookArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  /** ARM id of the Log Analytics workspace the workbook queries. */
  workspaceId: pulumi.Input<string>;
  /** Seed of the workbook's UUID name, e.g. the environment name. */
  environment: string;
  tags?: Tags;
}

/** The shared workbook (kind "shared", category "workbook") over the workspace. */
export function auditWorkbook(name: string, args: AuditWorkbookArgs, opts: pulumi.CustomResourceOptions): applicationinsights.Workbook {
  const v = new Validator("AuditWorkbook", name);
  v.pattern("location", args.location, /^[a-z0-9]+$/, "an Azure region name such as westeurope");
  v.pattern("environment", args.environment, /^[a-z][a-z0-9-]{0,30}$/, "an environment name such as prod");
  return new applicationinsights.Workbook(
    name,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      resourceName: stableUuid(`sqlfleet-audit-workbook:${args.environment}`),
      kind: applicationinsights.WorkbookSharedTypeKind.Shared,
      category: "workbook",
      displayName: `sqlfleet audit and metrics (${args.environment})`,
      description: "Failed logins, permission and schema changes, top statements by duration, CPU and storage per elastic pool.",
      version: "Notebook/1.0",
      sourceId: args.workspaceId,
      serializedData: pulumi.output(args.workspaceId).apply((id) => JSON.stringify(auditWorkbookContent(id))),
      tags: withTags(args.tags),
    },
    opts,
  );
}
