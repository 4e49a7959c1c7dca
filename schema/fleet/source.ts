// The ONE module of the fleet rollout that reads the committed stack files, through the command's Fleet model
// (stacks/fleet-model.ts: each file read and parsed once per command). Everything else in schema/fleet works on
// FleetTarget values.
import { environmentNames } from "../../stacks/environment";
import { customerNames } from "../../stacks/customer";
import { EDFI_DMS_DATABASE } from "../../stacks/edfi-schema";
import { InputError } from "../../stacks/config/errors";
import type { Fleet } from "../../stacks/fleet-model";
import type { FleetTarget } from "./types";

/** Which databases a set applies to. */
const FHIR_SETS = new Set(["fhir-partitioning"]);
const EDFI_SETS = new Set(["edfi-dms", "edfi-dms-tuning"]);

/**
 * The rollout targets of `set` in environment `env`, from the fleet's Pulumi.<env>*.yaml files. Server FQDNs are
 * derived the way the environment program names its servers (Azure SQL: <name>.database.windows.net). A missing or
 * invalid stack file is an InputError naming the file (exit 2), raised before any database is touched.
 */
export function fleetTargets(fleet: Fleet, env: string, set: string): FleetTarget[] {
  if (!FHIR_SETS.has(set) && !EDFI_SETS.has(set)) throw new InputError("--set", `--set "${set}" has no fleet targets; allowed: ${[...FHIR_SETS, ...EDFI_SETS].join(", ")}`);
  const envCfg = fleet.environmentConfig(env);
  const names = environmentNames(env, envCfg);
  if (EDFI_SETS.has(set)) {
    if (!envCfg.postgres?.enabled) return [];
    return [{ id: `${env}/edfi`, stack: env, customer: "(environment)", database: EDFI_DMS_DATABASE, engine: "postgres", serverFqdn: `${names.postgres}.postgres.database.azure.com`, pool: `postgres:${names.postgres}`, sizeGb: envCfg.postgres.storageGb }];
  }
  const { members, invalid } = fleet.members(env);
  if (invalid.length > 0) throw new InputError(fleet.stackFile(invalid[0].stack), `invalid customer stack file(s), nothing was started: ${invalid.map((i) => i.error).join("; ")}`);
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
