// Diagnostic settings and metric alerts, created by the components for their own resources
// (diagnostic settings live in `monitor` in azure-native v3).
import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";
import type { AlertSettings, Diagnostics } from "./types";
import type { Validator } from "./validation";

export type DiagnosticKind = "master" | "server" | "pool" | "database" | "vault" | "postgres";

/** The audit categories the `master` database setting must carry for server auditing to reach Log Analytics. */
export const MASTER_AUDIT_CATEGORIES = ["SQLSecurityAuditEvents", "DevOpsOperationsAudit"] as const;

/**
 * One diagnostic setting to Log Analytics (destination "Dedicated").
 * Pools only emit metrics; the master database carries the server audit categories; servers themselves have no
 * diagnostic categories, so "server" means the master database setting.
 */
export function diagnosticSetting(
  name: string,
  resourceUri: pulumi.Input<string>,
  kind: DiagnosticKind,
  diagnostics: Diagnostics,
  opts: pulumi.CustomResourceOptions,
): monitor.DiagnosticSetting {
  const groups = diagnostics.logCategoryGroups ?? ["allLogs"];
  const metrics = diagnostics.metrics ?? true;
  let logs: { category?: string; categoryGroup?: string; enabled: boolean }[];
  if (kind === "master" || kind === "server") logs = MASTER_AUDIT_CATEGORIES.map((category) => ({ category, enabled: true }));
  else if (kind === "pool") logs = [];
  else logs = groups.map((categoryGroup) => ({ categoryGroup, enabled: true }));
  const withMetrics = metrics && kind !== "master" && kind !== "server";
  return new monitor.DiagnosticSetting(
    name,
    {
      name: "sqlfleet-to-log-analytics",
      resourceUri,
      workspaceId: diagnostics.workspaceId,
      logAnalyticsDestinationType: "Dedicated",
      logs,
      metrics: withMetrics ? [{ category: "AllMetrics", enabled: true }] : [],
    },
    opts,
  );
}

/** Validates alert thresholds (percent, 1–100). */
export function validateAlerts(v: Validator, alerts: AlertSettings | undefined): void {
  if (!alerts) return;
  if (alerts.storagePercent !== undefined) v.numRange("alerts.storagePercent", alerts.storagePercent, 1, 100, "%");
  if (alerts.cpuPercent !== undefined) v.numRange("alerts.cpuPercent", alerts.cpuPercent, 1, 100, "%");
}

const NAMESPACE = { pool: "Microsoft.Sql/servers/elasticPools", database: "Microsoft.Sql/servers/databases" } as const;

/** Metric alerts on storage percent (max) and CPU percent (average): the signals resizing and balancing act on. */
export function metricAlerts(
  name: string,
  scopeId: pulumi.Input<string>,
  kind: "pool" | "database",
  alerts: AlertSettings,
  opts: pulumi.CustomResourceOptions,
): { storage: monitor.MetricAlert; cpu: monitor.MetricAlert } {
  const make = (role: string, metricName: string, aggregation: "Maximum" | "Average", threshold: number, severity: number) =>
    new monitor.MetricAlert(
      `${name}-${role}`,
      {
        resourceGroupName: alerts.resourceGroupName,
        location: "global",
        description: `sqlfleet: ${metricName} of ${kind} above ${threshold}%`,
        enabled: true,
        severity,
        scopes: [scopeId],
        targetResourceType: NAMESPACE[kind],
        evaluationFrequency: "PT5M",
        windowSize: "PT15M",
        autoMitigate: true,
        criteria: {
          odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
          allOf: [
            {
              criterionType: "StaticThresholdCriterion",
              name: metricName,
              metricName,
              metricNamespace: NAMESPACE[kind],
              operator: "GreaterThan",
              threshold,
              timeAggregation: aggregation,
            },
          ],
        },
        actions: alerts.actionGroupId ? [{ actionGroupId: alerts.actionGroupId }] : [],
      },
      opts,
    );
  return {
    storage: make("storage-alert", "storage_percent", "Maximum", alerts.storagePercent ?? 80, 2),
    cpu: make("cpu-alert", "cpu_percent", "Average", alerts.cpuPercent ?? 80, 3),
  };
}
