// One notice per affected customer, from rebalance moves or from plan-diff changes (plan --against, the PR check).
// A change in a customer stack affects that customer; a pool change in an environment stack affects the customers
// with a database in that pool; a server change affects every customer of the environment.
import { createHash } from "node:crypto";
import type { PoolEdition } from "../../placement/limits";
import { classifyResize, type ChangeClass } from "../../placement/resize";
import type { RebalancePlan } from "../../placement/rebalance";
import { DATABASE_ROLES, type DatabaseRole } from "../config/customer";
import { stackKind } from "../config/shared";
import { customerNames } from "../customer";
import type { FleetMember } from "../plan/decisions";
import type { ResourceChange } from "../plan/diff";
import { affectsCustomer, changeDisruption, moveDisruption, worstKind } from "./disruption";
import { NOTICE_SCHEMA, type Notice, type NoticeChange, type NoticeWindow } from "./types";

export interface NoticeContext {
  command: Notice["source"]["command"];
  environment: string;
  /** The environment's committed customer stacks (who owns which database, display names). */
  members: readonly FleetMember[];
  window: NoticeWindow;
  now: Date;
  /** The --against file, for plan. */
  baseline?: string;
  /** Pool name → edition (for rebalance moves). */
  poolEditions?: ReadonlyMap<string, PoolEdition>;
}

/** Collects changes per customer stack, then assembles the notices. */
export class NoticeBook {
  private readonly byStack = new Map<string, { changes: NoticeChange[]; stacks: Set<string> }>();

  constructor(private readonly ctx: NoticeContext) {}

  add(customerStack: string, fromStack: string, change: NoticeChange): void {
    const e = this.byStack.get(customerStack) ?? { changes: [], stacks: new Set<string>() };
    // The same pool change on the primary and the secondary server is one change for the customer.
    if (!e.changes.some((x) => JSON.stringify(x) === JSON.stringify(change))) e.changes.push(change);
    e.stacks.add(fromStack);
    this.byStack.set(customerStack, e);
  }

  notices(): Notice[] {
    return [...this.byStack.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([stack, e]) => this.assemble(stack, e.changes, [...e.stacks].sort()));
  }

  private assemble(stack: string, changes: NoticeChange[], stacks: string[]): Notice {
    const member = this.ctx.members.find((m) => m.stack === stack);
    const k = stackKind(stack);
    const id = member?.cfg.customer ?? (k.kind === "customer" ? k.customer : stack);
    const customer = { id, displayName: member?.cfg.displayName ?? id, stack };
    const severity = worstKind(changes.map((c) => c.disruption.kind));
    const dbs = [...new Set(changes.map((c) => c.database).filter((d): d is string => !!d))];
    const subject = `${customer.displayName}: planned ${severity === "none" ? "change" : "maintenance"} to ${dbs.length > 0 ? dbs.join(", ") : "your workspace"} — ${this.ctx.window.start.slice(0, 16).replace("T", " ")} UTC`;
    const source = { command: this.ctx.command, environment: this.ctx.environment, stacks, ...(this.ctx.baseline ? { baseline: this.ctx.baseline } : {}) };
    const digest = createHash("sha256").update(JSON.stringify({ customer, source, window: this.ctx.window, changes })).digest("hex").slice(0, 16);
    return { schema: NOTICE_SCHEMA, id: digest, generatedAt: this.ctx.now.toISOString(), source, customer, window: this.ctx.window, severity, subject, changes };
  }
}

/** Which customer stack and role own each database name, from the fleet registry. */
function owners(members: readonly FleetMember[]): Map<string, { stack: string; role: DatabaseRole; pool?: string }> {
  const out = new Map<string, { stack: string; role: DatabaseRole; pool?: string }>();
  for (const m of members) {
    for (const role of DATABASE_ROLES) {
      const db = m.cfg[role];
      if (!db) continue;
      out.set(customerNames("", "", m.cfg.customer).database(role), { stack: m.stack, role, pool: db.placement.tier === "pool" ? db.placement.pool : undefined });
    }
  }
  return out;
}

/**
 * Rebalance moves. `geoReplicated`: the environment has a failover partner, so every customer database is in a
 * failover group and the move touches the secondary's same-name pool first.
 */
export function noticesFromMoves(plan: RebalancePlan, ctx: NoticeContext, geoReplicated: boolean): Notice[] {
  const book = new NoticeBook(ctx);
  const own = owners(ctx.members);
  for (const m of plan.moves) {
    const stack = m.stack ?? own.get(m.database)?.stack;
    if (!stack) continue; // a database no committed stack owns has no customer to tell (rebalance --write refuses it too)
    // With a failover partner the database is in a failover group: the move's steps cover the secondary's pool.
    const edition = ctx.poolEditions?.get(m.from) ?? "GeneralPurpose";
    const c = geoReplicated
      ? classifyResize(
          { name: m.database, tier: edition, pool: m.from, poolEdition: edition, inFailoverGroup: true },
          { name: m.database, tier: edition, pool: m.to, poolEdition: ctx.poolEditions?.get(m.to) ?? edition, inFailoverGroup: true },
        )
      : m.change;
    const cls: ChangeClass = c.classification;
    book.add(stack, ctx.environment, {
      database: m.database,
      resource: m.database,
      resourceType: "azure-native:sql:Database",
      what: `${m.database} moves from elastic pool ${m.from} to ${m.to} (${m.storageGb} GB, ${m.avgVCores} average vCores)`,
      classification: cls,
      disruption: moveDisruption(cls, c.requiresLeavingFailoverGroup, c.dataLoss),
      reasons: c.reasons,
      steps: c.steps.length > 0 ? [...c.steps, `Move ${m.database} to ${m.to} in the window (sqlfleet rebalance --write, then pulumi up on ${stack})`] : [`Move ${m.database} to ${m.to} in the window (sqlfleet rebalance --write, then pulumi up on ${stack})`],
      warnings: [],
    });
  }
  return book.notices();
}

function describeChange(c: ResourceChange): string {
  const what = c.type.replace("azure-native:", "");
  const target = c.azureName ?? c.name;
  if (c.classification === "delete") return `${what} ${target} is removed`;
  if (c.classification === "replacement") return `${what} ${target} is replaced (${c.changed.join(", ") || "create-only settings"} change)`;
  return `${what} ${target}: ${c.changed.length > 0 ? `${c.changed.join(", ")} change` : (c.later ?? []).map((l) => l.feature).join(", ") || "changes"}`;
}

/** Adds the customer-affecting changes of one stack's diff to the book. */
export function addChanges(book: NoticeBook, stack: string, changes: readonly ResourceChange[], members: readonly FleetMember[]): void {
  const kind = stackKind(stack);
  const own = owners(members);
  for (const c of changes) {
    const disruption = changeDisruption(c);
    if (!affectsCustomer(c, disruption)) continue;
    const base = {
      resource: c.azureName ?? c.name,
      resourceType: c.type,
      what: describeChange(c),
      classification: c.classification,
      disruption,
      reasons: c.reasons,
      steps: c.steps,
      warnings: (c.later ?? []).map((l) => `${l.warning} (${l.source})`),
    };
    if (kind.kind === "customer") {
      book.add(stack, stack, { ...(c.type === "azure-native:sql:Database" && c.azureName ? { database: c.azureName } : {}), ...base });
      continue;
    }
    // Environment stack: a pool change reaches the databases in that pool, a server-wide change every database.
    const pool = c.type === "azure-native:sql:ElasticPool" ? c.azureName : undefined;
    const serverWide = c.type === "azure-native:sql:Server" || c.type === "azure-native:sql:EncryptionProtector";
    if (!pool && !serverWide) continue;
    for (const [database, o] of own) {
      if (pool ? o.pool === pool : true) book.add(o.stack, stack, { database, ...base, what: `${base.what} (${database} is ${pool ? `in pool ${pool}` : "on this server"})` });
    }
  }
}

/** Notices for one or more stacks' diffs (plan --against: one stack; the PR check: every affected stack). */
export function noticesFromChanges(diffs: readonly { stack: string; changes: readonly ResourceChange[] }[], ctx: NoticeContext): Notice[] {
  const book = new NoticeBook(ctx);
  for (const d of diffs) addChanges(book, d.stack, d.changes, ctx.members);
  return book.notices();
}
