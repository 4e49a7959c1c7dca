// The one place that turns a classified change — a plan-diff ResourceChange or a rebalance Move — into the
// disruption a customer should expect. Notices from rebalance, plan --against and the PR check all come through here.
import { HYPERSCALE_REVERSE_MIGRATION_DAYS } from "../../placement/limits";
import type { LaterClassification } from "../../placement/enable-later";
import type { ChangeClass } from "../../placement/resize";
import type { ResourceChange } from "../plan/diff";
import { DISRUPTION_KINDS, type Disruption, type DisruptionKind } from "./types";

const SENTENCE: Record<DisruptionKind, string> = {
  none: "No interruption is expected.",
  reconnect: "The change runs online; open connections are dropped once at the end (seconds) and applications with retry logic reconnect on their own.",
  "dr-gap": "Disaster recovery is removed for the window: the database leaves its failover group, so a regional outage during the window cannot fail over until the geo-secondary is re-created and seeded.",
  "one-way": `Moving into Hyperscale is one-way: the way back (to General Purpose only) exists for ${HYPERSCALE_REVERSE_MIGRATION_DAYS} days after the migration, after that only an export and import.`,
  "not-supported": "Azure does not carry out this change as planned; an operator performs the manual steps listed, and the service stays as it is until then.",
  replacement: "The database is replaced: a new database is created and the data moved into it; expect a write freeze and a new connection target. Data not moved is lost.",
  deletion: "The database is deleted together with its data.",
};

const severity = (k: DisruptionKind) => DISRUPTION_KINDS.indexOf(k);
export const worstKind = (kinds: readonly DisruptionKind[]): DisruptionKind => kinds.reduce((w, k) => (severity(k) > severity(w) ? k : w), "none" as DisruptionKind);

/** Inputs whose change makes Azure move the database or pool to new compute: an online change with a reconnect. */
const RECONNECT_INPUTS: Record<string, readonly string[]> = {
  "azure-native:sql:Database": ["elasticPoolId", "sku", "zoneRedundant", "highAvailabilityReplicaCount", "minCapacity"],
  "azure-native:sql:ElasticPool": ["sku", "zoneRedundant", "perDatabaseSettings", "highAvailabilityReplicaCount"],
};

interface Facts {
  classification: ChangeClass | "create" | "delete";
  changed: readonly string[];
  type: string;
  leavesFailoverGroup: boolean;
  dataLoss: boolean;
  later: readonly LaterClassification[];
}

function kindsOf(f: Facts): DisruptionKind[] {
  const kinds: DisruptionKind[] = [];
  if (f.classification === "delete") kinds.push(f.dataLoss ? "deletion" : "none");
  if (f.classification === "replacement") kinds.push("replacement");
  if (f.classification === "one-way") kinds.push("one-way");
  if (f.classification === "leave-failover-group" || f.leavesFailoverGroup) kinds.push("dr-gap");
  if ((RECONNECT_INPUTS[f.type] ?? []).some((k) => f.changed.includes(k))) kinds.push("reconnect");
  for (const l of f.later) kinds.push(l.behaviour === "brief-reconnect" ? "reconnect" : l.behaviour === "replacement" ? "replacement" : l.behaviour === "not-supported" ? "not-supported" : "none");
  // Into and out of Hyperscale end with a cutover: a short disconnect.
  if (f.classification === "one-way" || f.classification === "leave-failover-group") kinds.push("reconnect");
  return kinds;
}

function disruptionFrom(f: Facts): Disruption {
  const kinds = kindsOf(f);
  const kind = worstKind(kinds);
  const present = DISRUPTION_KINDS.filter((k) => k !== "none" && kinds.includes(k)).sort((a, b) => severity(b) - severity(a));
  return {
    kind,
    summary: present.length > 0 ? present.map((k) => SENTENCE[k]) : [SENTENCE.none],
    reconnect: kinds.includes("reconnect"),
    drRemovedForWindow: kinds.includes("dr-gap"),
    oneWay: kinds.includes("one-way"),
    dataLoss: f.dataLoss || kinds.includes("replacement") || kinds.includes("deletion"),
  };
}

/** The disruption of a plan-diff change (plan --against, the PR check). */
export function changeDisruption(c: ResourceChange): Disruption {
  return disruptionFrom({ classification: c.classification, changed: c.changed, type: c.type, leavesFailoverGroup: !!c.leavesFailoverGroup, dataLoss: c.dataLoss, later: c.later ?? [] });
}

/** The disruption of a rebalance pool move: the database's elastic pool changes (online, a reconnect at the end). */
export function moveDisruption(classification: ChangeClass, leavesFailoverGroup: boolean, dataLoss: boolean): Disruption {
  return disruptionFrom({ classification, changed: ["elasticPoolId"], type: "azure-native:sql:Database", leavesFailoverGroup, dataLoss, later: [] });
}

/** Whether a customer needs to hear about the change: something is disrupted, or a feature was switched on later. */
export function affectsCustomer(c: ResourceChange, d: Disruption): boolean {
  if (c.classification === "create") return false;
  return d.kind !== "none" || (c.later ?? []).length > 0;
}
