// The ONE module of the fleet rollout that reads the committed stack files (through stacks/). Everything else in
// schema/fleet works on FleetTarget values, so a Fleet model can replace this file without touching the rest.
import { environmentNames } from "../../stacks/environment";
import { customerNames } from "../../stacks/customer";
import { EDFI_DMS_DATABASE } from "../../stacks/edfi-schema";
import { loadEnvironmentConfig, loadFleet, PROJECT_ROOT, stackFilePath } from "../../stacks/fleet";
import type { FleetTarget } from "./types";

/** Which databases a set applies to. */
const FHIR_SETS = new Set(["fhir-partitioning"]);
const EDFI_SETS = new Set(["edfi-dms", "edfi-dms-tuning"]);

/**
 * The rollout targets of `set` in environment `env`, from the committed Pulumi.<env>*.yaml files. Server FQDNs are
 * derived the way the environment program names its servers (Azure SQL: <name>.database.windows.net).
 */
export function fleetTargets(env: string, set: string, root = PROJECT_ROOT): FleetTarget[] {
  const envCfg = loadEnvironmentConfig(env, stackFilePath(env, root));
  const names = environmentNames(env, envCfg);
  if (EDFI_SETS.has(set)) {
    if (!envCfg.postgres?.enabled) return [];
    return [{ id: `${env}/edfi`, stack: env, customer: "(environment)", database: EDFI_DMS_DATABASE, engine: "postgres", serverFqdn: `${names.postgres}.postgres.database.azure.com`, pool: `postgres:${names.postgres}`, sizeGb: envCfg.postgres.storageGb }];
  }
  if (!FHIR_SETS.has(set)) throw new Error(`--set "${set}" has no fleet targets; allowed: ${[...FHIR_SETS, ...EDFI_SETS].join(", ")}`);
  const { members, invalid } = loadFleet(env, root);
  if (invalid.length > 0) throw new Error(`invalid customer stack file(s): ${invalid.map((i) => `${stackFilePath(i.stack, root)}: ${i.error}`).join("; ")}`);
  const targets: FleetTarget[] = [];
  for (const { stack, cfg } of members) {
    const fhir = cfg.fhir;
    if (!fhir) continue;
    const database = customerNames(env, envCfg.namePrefix, cfg.customer).database("fhir");
    // A Hyperscale database has its own compute and log: it is a "pool" of one.
    const pool = fhir.placement.tier === "pool" ? fhir.placement.pool : `hyperscale:${database}`;
    targets.push({ id: `${cfg.customer}/${database}`, stack, customer: cfg.customer, database, engine: "mssql", serverFqdn: `${names.primaryServer}.database.windows.net`, pool, sizeGb: fhir.sizeGb });
  }
  return targets;
}
