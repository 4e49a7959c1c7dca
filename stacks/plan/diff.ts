// The diff between a baseline (a previous plan or a stack export) and a new plan, each change classified as
// Azure will treat it: databases through placement/resize.ts; other resources by their create-only inputs.
import { CLASS_SEVERITY, classifyResize, type ChangeClass, type ResizeClassification } from "../../placement/resize";
import type { LaterBehaviour, LaterClassification } from "../../placement/enable-later";
import type { PoolEdition } from "../../placement/limits";
import { laterChanges, laterContext } from "./enable-later";
import type { PlanResource } from "./snapshot";
import { databaseState, failoverMembership } from "./summary";

export type DiffOp = "create" | "update" | "replace" | "delete";

export interface ResourceChange {
  urn: string;
  type: string;
  name: string;
  op: DiffOp;
  classification: ChangeClass | "create" | "delete";
  /** Changed input paths (top-level keys). */
  changed: string[];
  reasons: string[];
  steps: string[];
  dataLoss: boolean;
  /** The database leaves its failover group for the change (DR is gone until it is re-added and seeded). */
  leavesFailoverGroup?: boolean;
  /** The Azure name (databaseName, elasticPoolName, serverName, failoverGroupName) when the inputs carry one. */
  azureName?: string;
  /** CMK, zone redundancy or a failover partner switched on after deployment, as Azure documents it. */
  later?: LaterClassification[];
}

/** The plan-level warning lines of a diff: one per feature switched on later (seed 003). */
export function laterWarnings(changes: readonly ResourceChange[]): string[] {
  return changes.flatMap((c) => (c.later ?? []).map((l) => `${l.behaviour}: ${l.warning} (${l.source})`));
}

const LATER_CLASS: Record<LaterBehaviour, ChangeClass> = { online: "online", "brief-reconnect": "online", replacement: "replacement", "not-supported": "online" };

const AZURE_NAME_KEYS = ["databaseName", "elasticPoolName", "serverName", "failoverGroupName", "vaultName", "keyName"];
function azureName(r: PlanResource): string | undefined {
  for (const k of AZURE_NAME_KEYS) if (typeof r.inputs[k] === "string") return r.inputs[k] as string;
  return undefined;
}

/** Inputs Azure cannot change in place (x-ms-mutability without update, research/azure-sql.md §3.7). */
const CREATE_ONLY: Record<string, string[]> = {
  "azure-native:sql:Server": ["serverName", "location", "administratorLogin", "resourceGroupName"],
  "azure-native:sql:ElasticPool": ["elasticPoolName", "serverName", "location", "resourceGroupName"],
  "azure-native:sql:FailoverGroup": ["failoverGroupName", "serverName", "resourceGroupName"],
  "azure-native:keyvault:Vault": ["vaultName", "location", "resourceGroupName"],
  "azure-native:keyvault:Key": ["keyName", "vaultName", "resourceGroupName"],
  "azure-native:dbforpostgresql:Server": ["serverName", "location", "resourceGroupName", "dataEncryption"],
  "azure-native:resources:ResourceGroup": ["resourceGroupName", "location"],
};
const DATA_BEARING = new Set(["azure-native:sql:Database", "azure-native:sql:Server", "azure-native:dbforpostgresql:Server", "azure-native:keyvault:Key", "azure-native:keyvault:Vault"]);

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${k}:${stable((v as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => stable(a[k]) !== stable(b[k])).sort();
}

const named = (r: PlanResource) => {
  const n = azureName(r);
  return n ? { azureName: n } : {};
};

export function diffPlans(
  before: readonly PlanResource[],
  after: readonly PlanResource[],
  poolEditions: ReadonlyMap<string, PoolEdition>,
  opts: { now?: Date } = {},
): ResourceChange[] {
  const byUrn = new Map(before.map((r) => [r.urn, r]));
  // A resource matches its baseline by URN, else by one of its aliases (it moved, e.g. under a Workspace).
  const baselineOf = (r: PlanResource) => byUrn.get(r.urn) ?? (r.aliases ?? []).map((a) => byUrn.get(a)).find((x) => x !== undefined);
  const afterUrns = new Set(after.flatMap((r) => { const b = baselineOf(r); return b ? [r.urn, b.urn] : [r.urn]; }));
  const fogsBefore = failoverMembership(before);
  const fogsAfter = failoverMembership(after);
  const later = laterContext(after, fogsBefore, fogsAfter, poolEditions);
  const changes: ResourceChange[] = [];
  for (const r of after) {
    const old = baselineOf(r);
    if (!old) {
      changes.push({ urn: r.urn, type: r.type, name: r.name, op: "create", classification: "create", changed: [], reasons: ["new resource"], steps: [], dataLoss: false, ...named(r) });
      continue;
    }
    const changed = changedKeys(old.inputs, r.inputs);
    let c: ResizeClassification | undefined;
    if (r.type === "azure-native:sql:Database") {
      const s0 = databaseState(old, fogsBefore, poolEditions);
      // Membership is judged by the old id: the same database keeps its id through in-place changes.
      const s1 = { ...databaseState({ ...r, id: r.id ?? old.id }, fogsAfter, poolEditions) };
      c = classifyResize(s0, s1, opts);
      if (c.classification === "none" && changed.length > 0) c = { ...c, classification: "online", reasons: [`${changed.join(", ")} changed: online update`] };
    } else if (changed.length > 0) {
      const createOnly = changed.filter((k) => (CREATE_ONLY[r.type] ?? []).includes(k));
      c = createOnly.length > 0
        ? {
            classification: "replacement",
            requiresLeavingFailoverGroup: false,
            dataLoss: DATA_BEARING.has(r.type),
            reasons: [`${createOnly.join(", ")} cannot change in place: the resource is replaced`],
            steps: DATA_BEARING.has(r.type) ? ["Create the new resource", "Move the data", "Delete the old resource (its data is gone)"] : [],
          }
        : { classification: "online", requiresLeavingFailoverGroup: false, dataLoss: false, reasons: [`${changed.join(", ")} changed: online update`], steps: [] };
    }
    const switched = laterChanges(old, r, later);
    if (switched.length > 0) {
      // Switched on later: at least as severe as Azure documents it; its reasons and steps join the change's.
      const base: ResizeClassification = c ?? { classification: "none", requiresLeavingFailoverGroup: false, dataLoss: false, reasons: [], steps: [] };
      const cls = switched.reduce<ChangeClass>((w, l) => (CLASS_SEVERITY[LATER_CLASS[l.behaviour]] > CLASS_SEVERITY[w] ? LATER_CLASS[l.behaviour] : w), base.classification);
      const replaced = cls === "replacement" && base.classification !== "replacement";
      c = {
        ...base,
        classification: cls,
        dataLoss: base.dataLoss || replaced,
        reasons: [...base.reasons, ...switched.map((l) => `${l.behaviour}: ${l.warning}`)],
        steps: base.steps.length > 0 ? base.steps : switched.flatMap((l) => l.steps),
      };
    }
    if (!c || c.classification === "none") continue;
    changes.push({
      urn: r.urn,
      type: r.type,
      name: r.name,
      op: c.classification === "replacement" ? "replace" : "update",
      classification: c.classification,
      changed,
      reasons: c.reasons,
      steps: c.steps,
      dataLoss: c.dataLoss,
      ...named(r),
      ...(c.requiresLeavingFailoverGroup ? { leavesFailoverGroup: true } : {}),
      ...(switched.length > 0 ? { later: switched } : {}),
    });
  }
  for (const r of before) {
    if (afterUrns.has(r.urn)) continue;
    const data = DATA_BEARING.has(r.type);
    changes.push({
      urn: r.urn,
      type: r.type,
      name: r.name,
      op: "delete",
      classification: "delete",
      changed: [],
      reasons: [r.retainOnDelete ? "removed from the stack; retained in Azure (retainOnDelete)" : data ? "deleted with its data" : "deleted"],
      steps: [],
      dataLoss: data && !r.retainOnDelete,
      ...named(r),
    });
  }
  const rank = (c: ResourceChange) => (c.classification === "create" ? 0.5 : c.classification === "delete" ? 3.5 : CLASS_SEVERITY[c.classification]);
  return changes.sort((a, b) => rank(b) - rank(a) || a.urn.localeCompare(b.urn));
}
