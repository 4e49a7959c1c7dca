// Saved Log Analytics queries over the SQL audit log, so users can browse and export failed logins, permission
// changes and schema changes. Azure SQL writes audit events (diagnostic category SQLSecurityAuditEvents) to the
// AzureDiagnostics table with typed-suffix columns (action_name_s, succeeded_s, statement_s, ...): Microsoft's
// "SQL Database audit log format" page, and "Supported logs for Microsoft.Sql/servers/databases", which lists
// AzureDiagnostics as the table of every SQL database category (no resource-specific table, even with
// logAnalyticsDestinationType "Dedicated"). With the default audit action groups (BATCH_COMPLETED_GROUP captures
// statement text) every query has data to work on.

/** The kinds `sqlfleet logs export --query` accepts (besides `all`). */
export type AuditQueryKind = "failed-logins" | "permission-changes" | "schema-changes" | "all";

export interface AuditQuery {
  /** Saved search id and the function alias users call in KQL. */
  id: string;
  functionAlias: string;
  displayName: string;
  kind: AuditQueryKind;
  /** KQL `where` lines between the audit source and the projection (empty for all events). */
  filter: string;
  /** The projection, without the leading `| project`. */
  columns: string;
  /** The saved query: source, filter, projection, newest first. */
  query: string;
}

export const AUDIT_TABLE = "AzureDiagnostics";
export const AUDIT_CATEGORY = "SQLSecurityAuditEvents";
export const AUDIT_SOURCE = `${AUDIT_TABLE}
| where Category == "${AUDIT_CATEGORY}"`;

const COLUMNS = "TimeGenerated, server = LogicalServerName_s, database = database_name_s, principal = server_principal_name_s, client_ip = client_ip_s, application = application_name_s, action = action_name_s, succeeded = succeeded_s, statement = statement_s";

const FAILED_LOGIN = `| where action_name_s == "DATABASE AUTHENTICATION FAILED" or (action_id_s == "DBAF")`;
const PERMISSION = `| where action_id_s in ("G", "GWG", "D", "R", "APRL", "DPRL") or statement_s matches regex @"(?i)\\b(GRANT|DENY|REVOKE)\\b|\\bALTER\\s+(SERVER\\s+)?ROLE\\b|\\b(CREATE|ALTER|DROP)\\s+(USER|LOGIN)\\b|sp_addrolemember|sp_droprolemember"`;
const DDL = `| where statement_s matches regex @"(?i)^\\s*(CREATE|ALTER|DROP)\\s+(TABLE|INDEX|VIEW|PROCEDURE|PROC|FUNCTION|SCHEMA|TRIGGER|PARTITION\\s+(FUNCTION|SCHEME)|SEQUENCE|TYPE)\\b"`;

function auditQuery(q: Omit<AuditQuery, "query">): AuditQuery {
  const lines = [AUDIT_SOURCE, q.filter, `| project ${q.columns}`, "| order by TimeGenerated desc"].filter((l) => l.length > 0);
  return { ...q, query: lines.join("\n") };
}

export const AUDIT_QUERIES: readonly AuditQuery[] = [
  auditQuery({ id: "sqlfleet-failed-logins", functionAlias: "sqlfleet_failed_logins", displayName: "SQL failed logins", kind: "failed-logins", filter: FAILED_LOGIN, columns: `${COLUMNS}, reason = additional_information_s` }),
  auditQuery({ id: "sqlfleet-permission-changes", functionAlias: "sqlfleet_permission_changes", displayName: "SQL permission and role changes", kind: "permission-changes", filter: PERMISSION, columns: COLUMNS }),
  auditQuery({ id: "sqlfleet-schema-changes", functionAlias: "sqlfleet_schema_changes", displayName: "SQL schema changes (DDL)", kind: "schema-changes", filter: DDL, columns: COLUMNS }),
  auditQuery({ id: "sqlfleet-audit-export", functionAlias: "sqlfleet_audit_events", displayName: "SQL audit events (all, for export)", kind: "all", filter: "", columns: `${COLUMNS}, action_id = action_id_s, object = object_name_s, schema = schema_name_s` }),
];

/** The saved query of a kind. */
export function auditQueryOf(kind: AuditQueryKind): AuditQuery {
  const q = AUDIT_QUERIES.find((x) => x.kind === kind);
  if (!q) throw new Error(`no audit query of kind ${kind}`);
  return q;
}
