// Server parameters for the Ed-Fi DMS PostgreSQL flexible server: our baseline (TLS, logging) plus the Ed-Fi
// tuning settings owned by schema/sets/edfi-dms-tuning, applied one after another by the PostgresServer component.
import { edfiServerParameters } from "../schema/sets/edfi-dms-tuning/server-parameters";

/** Security baseline every flexible server gets. */
export const BASELINE_POSTGRES_PARAMETERS: Readonly<Record<string, string>> = {
  require_secure_transport: "on",
  ssl_min_protocol_version: "TLSv1.2",
  log_connections: "on",
  log_disconnections: "on",
  log_checkpoints: "on",
};

export function postgresServerParameters(edfiTuning: boolean): Record<string, string> {
  return { ...BASELINE_POSTGRES_PARAMETERS, ...(edfiTuning ? edfiServerParameters : {}) };
}
