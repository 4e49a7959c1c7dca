// Validation of the Entra administrator shape shared by SqlServer and PostgresServer.
import type { EntraAdmin } from "./types";
import type { Validator } from "./validation";

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function validateEntraAdmin(v: Validator, admin: EntraAdmin): void {
  v.pattern("entraAdmin.login", admin.login, /^\S.{0,127}$/, "a non-empty login (group or principal display name)");
  v.pattern("entraAdmin.objectId", admin.objectId, GUID_RE, "the principal's object id (a GUID)");
  v.pattern("entraAdmin.tenantId", admin.tenantId, GUID_RE, "a tenant GUID");
  v.oneOf("entraAdmin.principalType", admin.principalType, ["User", "Group", "Application"]);
}
