// The notice a customer gets before a move or a disruptive change (seed 003: "notify customers that are impacted").
// One per affected customer; the JSON form is for a mail or ticket system (schema: notice.schema.json, documented in
// stacks/README.md), the Markdown form for people. Both are written by write.ts from the same object.

export const NOTICE_SCHEMA = "sqlfleet.notice/v1";

/** Ordered from least to most severe; a notice takes the most severe of its changes. */
export const DISRUPTION_KINDS = ["none", "reconnect", "dr-gap", "one-way", "not-supported", "replacement", "deletion"] as const;
export type DisruptionKind = (typeof DISRUPTION_KINDS)[number];

export interface Disruption {
  kind: DisruptionKind;
  /** Plain sentences for the customer, most important first. */
  summary: string[];
  /** Connections drop once at the end of an online change. */
  reconnect: boolean;
  /** Disaster recovery (the geo-secondary) is gone for (part of) the window. */
  drRemovedForWindow: boolean;
  /** Cannot simply be undone (into Hyperscale: only within 45 days, to General Purpose). */
  oneWay: boolean;
  /** A new database replaces the current one or the data is deleted. */
  dataLoss: boolean;
}

export interface NoticeChange {
  /** The Azure database name (e.g. cigna-fhir); absent for a workspace-level change without one. */
  database?: string;
  /** The resource the change is on (database, pool, server, failover group), as Azure names it. */
  resource: string;
  resourceType: string;
  /** One line: what changes. */
  what: string;
  /** The plan diff / rebalance classification (placement/resize.ts ChangeClass, or create/delete). */
  classification: string;
  disruption: Disruption;
  reasons: string[];
  steps: string[];
  /** Warnings from switching CMK, zone redundancy or a failover partner on later (with their Azure source). */
  warnings: string[];
}

export interface NoticeWindow {
  /** ISO-8601 UTC. */
  start: string;
  end: string;
  /** Where the window came from: the --window flag, the environment's sqlfleet:noticeWindow, or the default. */
  from: "flag" | "config" | "default";
}

export interface Notice {
  schema: typeof NOTICE_SCHEMA;
  /** Stable for the same customer, source, window and changes (sha256, 16 hex). */
  id: string;
  generatedAt: string;
  source: { command: "rebalance" | "plan" | "pr"; environment: string; stacks: string[]; baseline?: string };
  customer: { id: string; displayName: string; stack: string };
  window: NoticeWindow;
  /** The most severe disruption of the changes. */
  severity: DisruptionKind;
  subject: string;
  changes: NoticeChange[];
}
