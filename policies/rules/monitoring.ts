// Diagnostic-setting shape: logs reach Log Analytics (research/policies.md §5.5).
import * as monitor from "@pulumi/azure-native/monitor";
import type { ResourceRule } from "../rule";
import { cfgString, isBlank, show } from "../values";

type Rec = Record<string, unknown>;

export const diagSettingShape: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-diag-setting-shape",
  title: "Diagnostic settings send logs to Log Analytics",
  description: "Diagnostic settings must send at least one enabled log category group (allLogs or audit) or category to a Log Analytics workspace (elastic pools, which have no logs: metrics), without legacy storage retention.",
  level: "mandatory",
  severity: "medium",
  types: [monitor.DiagnosticSetting],
  anchors: {
    mcsb: ["LT-3", "DP-8"],
    azurePolicy: ["cf820ca0-f99e-4f3e-84fb-66e913812d21", "6567d3f3-42d0-4cfb-9606-9741ba60fa07", "5fbd326d"],
    cis: ["CIS Azure 3.0 6.1.4"],
    pci: ["10.2.1", "10.5.1"],
    pulumi: ["diagnostic-setting-configuration"],
  },
  remediation: 'Set workspaceId and logs: [{categoryGroup: "allLogs", enabled: true}] (the master database: categories SQLSecurityAuditEvents, DevOpsOperationsAudit); drop retentionPolicy.',
  config: {
    workspaceId: { type: "string", description: "When set, every diagnostic setting must target this Log Analytics workspace id." },
  },
  check({ props, cfg, report }) {
    const ws = props.workspaceId;
    const required = cfgString(cfg, "workspaceId");
    if (isBlank(ws)) report.violation("workspaceId is unset; logs must reach Log Analytics");
    else if (required && String(ws).toLowerCase() !== required.toLowerCase()) report.violation(`workspaceId is ${show(ws)}; must be the configured workspace ${required}`);
    const logs = Array.isArray(props.logs) ? (props.logs as Rec[]) : [];
    const metrics = Array.isArray(props.metrics) ? (props.metrics as Rec[]) : [];
    const good = logs.some((l) => l.enabled === true && (["allLogs", "audit"].includes(String(l.categoryGroup)) || !isBlank(l.category)));
    if (!good) {
      // Elastic pools have no log categories, only metrics; the target is read only in this case.
      const pool = /\/elasticPools\//i.test(String(props.resourceUri ?? ""));
      if (!pool) report.violation('no enabled log entry: add logs [{categoryGroup: "allLogs", enabled: true}]');
      else if (!metrics.some((m) => m.enabled === true)) report.violation('elastic pool setting sends nothing: add metrics [{category: "AllMetrics", enabled: true}]');
    }
    const legacy = [...logs, ...metrics].some((e) => (e.retentionPolicy as Rec | undefined)?.enabled === true);
    if (legacy) report.violation("retentionPolicy (legacy storage retention) is set; keep retention in the Log Analytics workspace");
  },
};

export const monitoringRules: ResourceRule[] = [diagSettingShape];
