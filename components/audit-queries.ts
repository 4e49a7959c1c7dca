// Saved Log Analytics queries over the SQL audit log (category SQLSecurityAuditEvents in AzureDiagnostics), so
// users can browse and export failed logins, permission changes and schema changes. With the default audit action
// groups (BATCH_COMPLETED_GROUP captures statement text) every query has data to work on.

export interface AuditQuery {
  /** Saved search id and the function alias users call in KQL. */
  id: string;
  functionAlias: string;
  displayName: string;
  query: string;
}

const AUDIT = `AzureDiagnostics
| where Category == "SQLSecurityAuditEvents"`;

const COLUMNS = "| project TimeGenerated, server = LogicalServerName_s, database = database_name_s, principal = server_principal_name_s, client_ip = client_ip_s, application = application_name_s, action = action_name_s, succeeded = succeeded_s, statement = statement_s";

export const AUDIT_QUERIES: readonly AuditQuery[] = [
  {
    id: "sqlfleet-failed-logins",
    functionAlias: "sqlfleet_failed_logins",
    displayName: "SQL failed logins",
    query: `${AUDIT}
| where action_name_s == "DATABASE AUTHENTICATION FAILED" or (action_id_s == "DBAF")
${COLUMNS}, reason = additional_information_s
| order by TimeGenerated desc`,
  },
  {
    id: "sqlfleet-permission-changes",
    functionAlias: "sqlfleet_permission_changes",
    displayName: "SQL permission and role changes",
    query: `${AUDIT}
| where action_id_s in ("G", "GWG", "D", "R", "APRL", "DPRL") or statement_s matches regex @"(?i)\\b(GRANT|DENY|REVOKE)\\b|\\bALTER\\s+(SERVER\\s+)?ROLE\\b|\\b(CREATE|ALTER|DROP)\\s+(USER|LOGIN)\\b|sp_addrolemember|sp_droprolemember"
${COLUMNS}
| order by TimeGenerated desc`,
  },
  {
    id: "sqlfleet-schema-changes",
    functionAlias: "sqlfleet_schema_changes",
    displayName: "SQL schema changes (DDL)",
    query: `${AUDIT}
| where statement_s matches regex @"(?i)^\\s*(CREATE|ALTER|DROP)\\s+(TABLE|INDEX|VIEW|PROCEDURE|PROC|FUNCTION|SCHEMA|TRIGGER|PARTITION\\s+(FUNCTION|SCHEME)|SEQUENCE|TYPE)\\b"
${COLUMNS}
| order by TimeGenerated desc`,
  },
  {
    id: "sqlfleet-audit-export",
    functionAlias: "sqlfleet_audit_events",
    displayName: "SQL audit events (all, for export)",
    query: `${AUDIT}
${COLUMNS}, action_id = action_id_s, object = object_name_s, schema = schema_name_s
| order by TimeGenerated desc`,
  },
];
