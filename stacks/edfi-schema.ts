// Wires the Ed-Fi DMS tuning set (schema/provider's DatabaseSchema) onto the environment's PostgreSQL server: the
// edfi_dms database, an Entra token at run time (no credential in state), retained when removed from code.
import type { PostgresServer } from "../components";
import { DatabaseSchema } from "../schema/provider/database-schema";

export const EDFI_DMS_DATABASE = "edfi_dms";

export function edfiDmsTuningSchema(name: string, server: PostgresServer): DatabaseSchema {
  return new DatabaseSchema(
    name,
    { serverFqdn: server.fqdn, databaseName: EDFI_DMS_DATABASE, engine: "postgres", migrationSet: "edfi-dms-tuning", authentication: "entra" },
    { dependsOn: [server], retainOnDelete: true },
  );
}
