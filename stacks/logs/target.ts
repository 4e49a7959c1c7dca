// Which workspace and databases `sqlfleet logs export <stack>` reads, from the committed stack files (the Fleet):
// an environment stack exports every server's audit events from its Log Analytics workspace; a customer stack
// exports only its own databases' events from its environment's workspace. The workspace's customer id (the GUID
// the query API takes) is assigned by Azure when the workspace is created, so it is not in any stack file: the
// caller passes it (--workspace-id, shown by `pulumi stack output` / the portal), and the files supply the
// workspace name and resource group the message points at.
import { DATABASE_ROLES } from "../config/customer";
import { stackKind } from "../config/shared";
import { customerNames } from "../customer";
import { environmentNames } from "../environment";
import type { Fleet } from "../fleet-model";

export interface ExportTarget {
  stack: string;
  env: string;
  resourceGroup: string;
  workspaceName: string;
  /** A customer stack's database names; undefined for an environment (all databases). */
  databases?: string[];
}

export function exportTarget(fleet: Fleet, stack: string): ExportTarget {
  const kind = stackKind(stack);
  const envCfg = fleet.environmentConfig(kind.env);
  const names = environmentNames(kind.env, envCfg);
  const base = { stack, env: kind.env, resourceGroup: names.resourceGroup, workspaceName: names.workspace };
  if (kind.kind === "environment") return base;
  const cfg = fleet.customerConfig(stack);
  const db = customerNames(kind.env, envCfg.namePrefix, cfg.customer).database;
  return { ...base, databases: DATABASE_ROLES.filter((r) => cfg[r] !== undefined).map(db) };
}
