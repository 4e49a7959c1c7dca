// Wires the Ed-Fi DMS sets (schema/provider's DatabaseSchema) onto the environment's PostgreSQL server's edfi_dms
// database: first `edfi-dms`, which adopts the write path the DMS's deploy scripts built without changing it (or
// creates it on an empty database), then `edfi-dms-tuning`, which requires it. Entra tokens at run time (no
// credential in state); both retained when removed from code (the data is the customer's).
import type { PostgresServer } from "../components";
import { DatabaseSchema } from "../schema/provider/database-schema";

export const EDFI_DMS_DATABASE = "edfi_dms";

function edfiSet(name: string, set: "edfi-dms" | "edfi-dms-tuning", server: PostgresServer, after: DatabaseSchema[] = []): DatabaseSchema {
  return new DatabaseSchema(
    name,
    { serverFqdn: server.fqdn, databaseName: EDFI_DMS_DATABASE, engine: "postgres", migrationSet: set, authentication: "entra" },
    { dependsOn: [server, ...after], retainOnDelete: true },
  );
}

/** The adoption of the DMS write path and its tuning, in that order. */
export function edfiDmsSchemas(server: PostgresServer): { writePath: DatabaseSchema; tuning: DatabaseSchema } {
  const writePath = edfiSet("edfi-dms", "edfi-dms", server);
  return { writePath, tuning: edfiSet("edfi-dms-tuning", "edfi-dms-tuning", server, [writePath]) };
}
