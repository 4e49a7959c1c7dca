// `sqlfleet customer add`: place a new customer's databases over the committed fleet and produce its stack file.
// Tier by projected size; pooled databases packed (best fit) into the environment's pools next to what the other
// customer stacks already reserve; when no pool has room, the answer is the pool to add.
import YAML from "yaml";
import { customerAgainstPoolsProblems, parseCustomerConfig, DATABASE_ROLES, type CustomerConfig, type DatabaseRole } from "./config/customer";
import type { EnvironmentConfig } from "./config/environment";
import { ConfigError } from "./config/errors";
import { packDatabases, type PoolLoad, type PoolSuggestion } from "../placement/packing";
import { projectSizeGb, selectTier } from "../placement/tier";
import { environmentPoolableMaxGb, environmentPools, type FleetMember } from "./plan/decisions";

export interface NewCustomerRequest {
  env: string;
  customer: string;
  displayName?: string;
  fhirGb: number;
  dicomGb?: number;
  growthPerYear?: number;
  cmkScope?: "server" | "database";
}

export interface OnboardingDecision {
  role: DatabaseRole;
  sizeGb: number;
  projectedGb: number;
  placement: { tier: "pool"; pool: string; maxSizeGb: number } | { tier: "hyperscale"; vCores: number };
  reason: string;
}

export type OnboardingResult =
  | { ok: true; stack: string; decisions: OnboardingDecision[]; config: CustomerConfig; yaml: string }
  | { ok: false; stack: string; decisions: OnboardingDecision[]; addPool: PoolSuggestion[]; message: string };

/** Current pool loads: every committed customer database of the environment by projected size. */
export function fleetLoads(members: readonly FleetMember[], env: EnvironmentConfig): PoolLoad[] {
  const loads: PoolLoad[] = environmentPools(env).map((pool) => ({ pool, databases: [], storageGb: 0, vCores: 0 }));
  for (const m of members) {
    for (const role of DATABASE_ROLES) {
      const db = m.cfg[role];
      if (!db || db.placement.tier !== "pool") continue;
      const load = loads.find((l) => l.pool.name === (db.placement as { pool: string }).pool);
      if (!load) continue;
      load.databases.push(`${m.stack}/${role}`);
      load.storageGb += projectSizeGb({ sizeGb: db.sizeGb, growthPerYear: db.growthPerYear ?? env.placement.defaultGrowthPerYear, horizonYears: env.placement.horizonYears });
    }
  }
  return loads;
}

export function planNewCustomer(req: NewCustomerRequest, env: EnvironmentConfig, members: readonly FleetMember[]): OnboardingResult {
  const stack = `${req.env}-${req.customer}`;
  if (members.some((m) => m.stack === stack)) throw new ConfigError(stack, [{ key: "stack", value: stack, allowed: `Pulumi.${stack}.yaml already exists; edit it instead` }]);
  const growth = req.growthPerYear ?? env.placement.defaultGrowthPerYear;
  const sizes: [DatabaseRole, number | undefined][] = [
    ["fhir", req.fhirGb],
    ["dicom", req.dicomGb],
  ];
  const decisions: OnboardingDecision[] = [];
  const pooled: { role: DatabaseRole; sizeGb: number; projectedGb: number; maxSizeGb: number; reason: string }[] = [];
  for (const [role, sizeGb] of sizes) {
    if (sizeGb === undefined) continue;
    const t = selectTier(`${stack} ${role}`, { sizeGb, growthPerYear: growth, horizonYears: env.placement.horizonYears }, { hyperscaleVCores: env.placement.hyperscaleVCores, poolDatabaseMaxGb: environmentPoolableMaxGb(env) });
    if (t.tier === "hyperscale") decisions.push({ role, sizeGb, projectedGb: t.projectedGb, placement: { tier: "hyperscale", vCores: t.vCores }, reason: t.reason });
    else pooled.push({ role, sizeGb, projectedGb: t.projectedGb, maxSizeGb: t.maxSizeGb, reason: t.reason });
  }
  const loads = fleetLoads(members, env).filter((l) => l.pool.edition !== "Hyperscale");
  const packed = packDatabases(
    pooled.map((p) => ({ name: p.role, storageGb: p.projectedGb, maxSizeGb: p.maxSizeGb, vCores: 0 })),
    loads,
    { fillTarget: env.placement.fillTarget },
  );
  for (const p of pooled) {
    const pool = packed.assignments.get(p.role);
    if (pool) decisions.push({ role: p.role, sizeGb: p.sizeGb, projectedGb: p.projectedGb, placement: { tier: "pool", pool, maxSizeGb: p.maxSizeGb }, reason: `${p.reason}; best fit: ${pool}` });
  }
  decisions.sort((a, b) => a.role.localeCompare(b.role));
  if (packed.unplaced.length > 0) {
    const addPool = packed.unplaced.flatMap((u) => (u.suggestion ? [u.suggestion] : []));
    const message = packed.unplaced
      .map((u) => (u.suggestion ? `${u.reason}: add pool ${u.suggestion.name} (${u.suggestion.edition}, ${u.suggestion.vCores} vCores, ${u.suggestion.maxDataGb} GB) to Pulumi.${req.env}.yaml sqlfleet:pools` : u.reason))
      .join("\n");
    return { ok: false, stack, decisions, addPool, message };
  }
  const raw: Record<string, unknown> = {
    customer: req.customer,
    displayName: req.displayName ?? req.customer,
    ...(req.cmkScope && req.cmkScope !== "server" ? { cmkScope: req.cmkScope } : {}),
  };
  for (const d of decisions) {
    raw[d.role] = {
      sizeGb: d.sizeGb,
      ...(req.growthPerYear !== undefined ? { growthPerYear: req.growthPerYear } : {}),
      placement: d.placement,
    };
  }
  // The file we write must pass the same validation `sqlfleet plan` applies.
  const config = parseCustomerConfig(stack, req.customer, raw);
  const problems = customerAgainstPoolsProblems(config, environmentPools(env));
  if (problems.length > 0) throw new ConfigError(stack, problems);
  return { ok: true, stack, decisions, config, yaml: stackYaml(stack, raw, decisions) };
}

function stackYaml(stack: string, raw: Record<string, unknown>, decisions: OnboardingDecision[]): string {
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) config[`sqlfleet:${k}`] = v;
  const header = [`# ${stack}: written by \`sqlfleet customer add\` (placement over the committed fleet).`, ...decisions.map((d) => `#   ${d.role}: ${d.reason}`)].join("\n");
  return `${header}\n${YAML.stringify({ config })}`;
}

