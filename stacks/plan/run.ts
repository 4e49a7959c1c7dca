// `sqlfleet plan` without the printing: validate, record the real stack program under mocks, derive the
// placement decisions, run the policy pack, and diff against a baseline. Tests and the bench call this directly.
import type { PoolEdition } from "../../placement/limits";
import { stackKind } from "../config/shared";
import { readJsonFile } from "../fleet";
import { Fleet } from "../fleet-model";
import { recordStack } from "../record-stack";
import { databaseDecisions, poolDecisions, type DatabaseDecision, type FleetMember, type PoolDecision } from "./decisions";
import { diffPlans, laterWarnings, type ResourceChange } from "./diff";
import { resourcesFromFile, snapshotRecording, type PlanResource } from "./snapshot";
import { evaluatePolicies } from "../../policies/runner";

/** The policy pack's verdict on one resource (policies/runner.ts). */
export interface PolicyDiagnostic {
  policyId: string;
  enforcementLevel: string;
  severity?: string;
  urn: string;
  message: string;
}

export const EXIT = { ok: 0, policy: 1, config: 2 } as const;

export interface PlanOptions {
  configFile?: string;
  /** A previous `sqlfleet plan --json` or a `pulumi stack export` file. */
  against?: string;
  root?: string;
  /** Skip the policy pack (benchmarks measure it separately). */
  skipPolicies?: boolean;
  now?: Date;
  /** The command's fleet model (default a new one over `root`); pass one to plan many stacks of one fleet. */
  fleet?: Fleet;
  /** The environment stack's recorded outputs (see recordStack). */
  environmentOutputs?: Record<string, unknown>;
}

export interface PlanReport {
  stack: string;
  kind: "environment" | "customer";
  configFile: string;
  /** The stack's outputs as recorded (an environment's feed its customers' StackReference). */
  outputs: Record<string, unknown>;
  resources: PlanResource[];
  decisions: { databases: DatabaseDecision[]; pools: PoolDecision[] };
  policy: { ran: boolean; diagnostics: PolicyDiagnostic[] };
  diff?: ResourceChange[];
  warnings: string[];
  exitCode: number;
}

export async function runPlan(stack: string, opts: PlanOptions = {}): Promise<PlanReport> {
  const kind = stackKind(stack);
  const fleet = opts.fleet ?? new Fleet(opts.root);
  const configFile = opts.configFile ?? fleet.stackFile(stack);
  const { recording, outputs } = await recordStack(stack, { configFile, fleet, environmentOutputs: opts.environmentOutputs });
  const resources = snapshotRecording(recording);
  const warnings: string[] = [];

  const envCfg = fleet.environmentConfig(kind.env);
  const committed = fleet.members(kind.env);
  const members: FleetMember[] = committed.members.filter((m) => m.stack !== stack);
  for (const bad of committed.invalid) if (bad.stack !== stack) warnings.push(`fleet: ${bad.stack} skipped in pool totals: ${bad.error.split("\n")[0]}`);
  let self: FleetMember | undefined;
  if (kind.kind === "customer") {
    self = { stack, cfg: fleet.customerConfig(stack, configFile) };
    members.push(self);
  }
  const decisions = {
    databases: self ? databaseDecisions(self, envCfg) : members.flatMap((m) => databaseDecisions(m, envCfg)),
    pools: poolDecisions(members, envCfg),
  };

  let diagnostics: PolicyDiagnostic[] = [];
  if (!opts.skipPolicies) diagnostics = await evaluatePolicies(recording);

  let diff: ResourceChange[] | undefined;
  if (opts.against) {
    const baseline = resourcesFromFile(readJsonFile(opts.against), opts.against);
    const editions = new Map<string, PoolEdition>(envCfg.pools.map((p) => [p.name, p.edition]));
    diff = diffPlans(baseline, resources, editions, { now: opts.now });
    warnings.push(...laterWarnings(diff));
  }
  return {
    stack,
    kind: kind.kind,
    configFile,
    outputs,
    resources,
    decisions,
    policy: { ran: !opts.skipPolicies, diagnostics },
    ...(diff ? { diff } : {}),
    warnings,
    exitCode: diagnostics.some((d) => d.enforcementLevel === "mandatory") ? EXIT.policy : EXIT.ok,
  };
}
