// What the commands get from outside: how to open the fleet model and the Log Analytics query client. One Fleet
// per command invocation; tests pass a factory whose Fleet counts file reads, and a query client pointed at a
// loopback server.
import { logsQueryClient } from "../stacks/logs/client";
import type { LogsQuery } from "../stacks/logs/export";
import { Fleet } from "../stacks/fleet-model";

export interface CliDeps {
  /** A fresh fleet model over the stack files in `root` (default the project root). */
  openFleet(root?: string): Fleet;
  /** The Log Analytics query client (`logs export`); default the SDK with DefaultAzureCredential. */
  logsClient?(): LogsQuery;
}

export const defaultDeps: CliDeps = { openFleet: (root) => new Fleet(root), logsClient: () => logsQueryClient() };
