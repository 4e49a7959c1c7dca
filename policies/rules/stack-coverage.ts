// Stack rules that every resource has its companions: diagnostic settings, server auditing, Defender and
// vulnerability assessment, Entra administration (research/policies.md §5.6). Links go through property
// dependencies and parents; string ids are a fallback only when known.
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as monitor from "@pulumi/azure-native/monitor";
import * as security from "@pulumi/azure-native/security";
import * as sql from "@pulumi/azure-native/sql";
import type { PolicyResource } from "@pulumi/policy";
import { knownOr, label, ofType, ownerOf, usesOutputOf } from "../graph";
import { isKind, type StackRule } from "../rule";
import { cfgBool, eqi, isBlank } from "../values";

type Rec = Record<string, unknown>;
const AUDITING = [sql.ServerBlobAuditingPolicy, sql.ExtendedServerBlobAuditingPolicy];

/** Children of a server (by `serverName` input or parent chain). */
export function childrenOfServer(resources: PolicyResource[], server: PolicyResource, ...classes: Parameters<typeof ofType>[1][]): PolicyResource[] {
  return ofType(resources, ...classes).filter((c) => ownerOf(c, "serverName", sql.Server, dbforpostgresql.Server)?.urn === server.urn);
}

function sameId(a: unknown, b: unknown): boolean {
  return typeof a === "string" && typeof b === "string" && a.length > 0 && a.toLowerCase() === b.toLowerCase();
}

export const stackDiagnosticsCoverage: StackRule = {
  kind: "stack",
  id: "sqlfleet-stack-diagnostics-coverage",
  title: "Every database, pool, vault and PostgreSQL server has diagnostics",
  description: "Every SQL database and elastic pool, Key Vault and PostgreSQL server must have a diagnostic setting, and every SQL server auditing to Azure Monitor needs one on its master database.",
  level: "mandatory",
  severity: "high",
  anchors: {
    mcsb: ["LT-3"],
    azurePolicy: ["6567d3f3-42d0-4cfb-9606-9741ba60fa07", "b79fa14e", "cf820ca0-f99e-4f3e-84fb-66e913812d21", "5fbd326d"],
    cis: ["CIS Azure 3.0 6.1.4"],
    docs: ["research/azure-sql.md §2.6 (master database diagnostic setting)"],
  },
  remediation: "Add a monitor.DiagnosticSetting with resourceUri: <resource>.id (for a SQL server: `${server.id}/databases/master`) to the Log Analytics workspace; the Monitoring component does this.",
  check({ resources, report, guard }) {
    const diags = ofType(resources, monitor.DiagnosticSetting);
    const targets = ofType(resources, sql.Database, sql.ElasticPool, keyvault.Vault, dbforpostgresql.Server);
    for (const t of targets) {
      if (diags.some((d) => usesOutputOf(d, t, "resourceUri"))) continue;
      guard(t.urn, `diagnostic setting of ${label(t)}`, () => {
        if (isKind(t.type, sql.Database) && eqi(t.props.databaseName, "master")) return;
        const id = t.props.id;
        if (!diags.some((d) => sameId(d.props.resourceUri, id))) report.violation(`${label(t)} has no diagnostic setting whose resourceUri points at it`, t.urn);
      });
    }
    for (const s of ofType(resources, sql.Server)) {
      guard(s.urn, `master diagnostic setting of ${label(s)}`, () => {
        const toMonitor = childrenOfServer(resources, s, ...AUDITING).some((a) => a.props.isAzureMonitorTargetEnabled === true);
        if (!toMonitor) return;
        // Linked to the server and to no database: the master database's setting. Its URI is checked when known.
        const master = diags
          .filter((d) => usesOutputOf(d, s, "resourceUri") && !(d.propertyDependencies.resourceUri ?? []).some((x) => isKind(x.type, sql.Database)))
          .some((d) => knownOr(() => /\/databases\/master\/?$/i.test(String(d.props.resourceUri)), true));
        if (!master) report.violation(`${label(s)} audits to Azure Monitor but has no diagnostic setting on <server>/databases/master, so audit events never reach Log Analytics`, s.urn);
      });
    }
  },
};

export const stackSqlServerAuditing: StackRule = {
  kind: "stack",
  id: "sqlfleet-stack-sql-server-auditing",
  title: "Every SQL server has one enabled auditing policy",
  description: "Every SQL server must have exactly one server auditing policy, in state Enabled.",
  level: "mandatory",
  severity: "high",
  anchors: { mcsb: ["LT-3"], azurePolicy: ["a6fb4358-5bf4-4ad7-ba82-2cd2f41ce5e9"], cis: ["CIS Azure 3.0 5.1.1"], checkov: ["CKV_AZURE_23"] },
  remediation: 'Add one sql.ExtendedServerBlobAuditingPolicy (state "Enabled", isAzureMonitorTargetEnabled: true) per server.',
  check({ resources, report, guard }) {
    for (const s of ofType(resources, sql.Server)) {
      const policies = childrenOfServer(resources, s, ...AUDITING);
      if (policies.length === 0) report.violation(`${label(s)} has no server auditing policy`, s.urn);
      else if (policies.length > 1) report.violation(`${label(s)} has ${policies.length} server auditing policies (${policies.map((p) => p.name).join(", ")}); they overwrite each other`, s.urn);
      else guard(s.urn, `auditing state of ${label(s)}`, () => {
        if (!eqi(policies[0].props.state, "Enabled")) report.violation(`${label(s)}'s auditing policy "${policies[0].name}" is not Enabled`, s.urn);
      });
    }
  },
};

export const stackSqlServerDefenderVa: StackRule = {
  kind: "stack",
  id: "sqlfleet-stack-sql-server-defender-va",
  title: "Every SQL server has Defender alerts and vulnerability assessment",
  description: "Every SQL server must have an enabled security alert policy and should have vulnerability assessment, unless Defender for SQL is enabled at subscription level.",
  level: "mandatory",
  severity: "high",
  advisoryParts: "vulnerability assessment",
  anchors: { mcsb: ["LT-1", "PV-5"], azurePolicy: ["abfb4388-5bf4-4ad7-ba82-2cd2f41ceae9", "ef2a8f2a-b3d9-49cd-a8a8-9a3aaaf647d9"], checkov: ["CKV2_AZURE_13", "CKV2_AZURE_2"] },
  remediation: 'Add sql.ServerSecurityAlertPolicy (state "Enabled") and sql.SqlVulnerabilityAssessmentsSetting (state "Enabled") per server.',
  config: {
    defenderAtSubscription: { type: "boolean", default: false, description: "Defender for SQL (security.Pricing SqlServers Standard) is managed at subscription level elsewhere." },
  },
  check({ resources, cfg, report, guard }) {
    if (cfgBool(cfg, "defenderAtSubscription")) return;
    let subscriptionPlan = false;
    for (const p of ofType(resources, security.Pricing)) {
      guard(p.urn, "Defender pricing plan", () => {
        if (eqi(p.props.pricingName, "SqlServers") && eqi(p.props.pricingTier, "Standard")) subscriptionPlan = true;
      });
    }
    if (subscriptionPlan) return;
    for (const s of ofType(resources, sql.Server)) {
      guard(s.urn, `Defender settings of ${label(s)}`, () => {
        const alerts = childrenOfServer(resources, s, sql.ServerSecurityAlertPolicy);
        if (!alerts.some((a) => eqi(a.props.state, "Enabled"))) report.violation(`${label(s)} has no enabled ServerSecurityAlertPolicy`, s.urn);
        const express = childrenOfServer(resources, s, sql.SqlVulnerabilityAssessmentsSetting).some((v) => eqi(v.props.state, "Enabled"));
        const classic = childrenOfServer(resources, s, sql.ServerVulnerabilityAssessment).length > 0;
        if (!express && !classic) report.advisory(`${label(s)} has no vulnerability assessment (SqlVulnerabilityAssessmentsSetting Enabled)`, s.urn);
      });
    }
  },
};

export const stackIdentityCoverage: StackRule = {
  kind: "stack",
  id: "sqlfleet-stack-identity-coverage",
  title: "Every database server has a Microsoft Entra administrator",
  description: "Every SQL server must have a Microsoft Entra administrator and Entra-only authentication, and every PostgreSQL server a Microsoft Entra administrator.",
  level: "mandatory",
  severity: "high",
  anchors: { mcsb: ["IM-1"], azurePolicy: ["1f314764-cb73-4fc9-b863-8eca98ac36e9", "b3a22bc9-66de-45fb-98fa-00f5df42f41a", "ce39a96d-bf09-4b60-8c32-e85d52abea0f"], cis: ["CIS Azure 3.0 5.1.4"] },
  remediation: "Create SQL servers with `administrators` (Entra group, azureADOnlyAuthentication: true) or add ServerAzureADAdministrator + ServerAzureADOnlyAuthentication; add dbforpostgresql.AdministratorsMicrosoftEntra to PostgreSQL servers.",
  check({ resources, report, guard }) {
    for (const s of ofType(resources, sql.Server)) {
      guard(s.urn, `Entra administration of ${label(s)}`, () => {
        const admins = s.props.administrators as Rec | undefined;
        const inline = !!admins && eqi(admins.administratorType, "ActiveDirectory") && !isBlank(admins.login) && !isBlank(admins.sid);
        const separate = childrenOfServer(resources, s, sql.ServerAzureADAdministrator).length > 0;
        if (!inline && !separate) report.violation(`${label(s)} has no Microsoft Entra administrator`, s.urn);
        const only = admins?.azureADOnlyAuthentication === true || childrenOfServer(resources, s, sql.ServerAzureADOnlyAuthentication).some((a) => a.props.azureADOnlyAuthentication === true);
        if (!only) report.violation(`${label(s)} does not enforce Entra-only authentication`, s.urn);
      });
    }
    for (const s of ofType(resources, dbforpostgresql.Server)) {
      if (childrenOfServer(resources, s, dbforpostgresql.Administrator, dbforpostgresql.AdministratorsMicrosoftEntra).length === 0) {
        report.violation(`${label(s)} has no Microsoft Entra administrator`, s.urn);
      }
    }
  },
};

export const stackCoverageRules: StackRule[] = [stackDiagnosticsCoverage, stackSqlServerAuditing, stackSqlServerDefenderVa, stackIdentityCoverage];
