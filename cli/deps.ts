// What the commands get from outside: how to open the fleet model. One Fleet per command invocation; tests pass a
// factory whose Fleet counts file reads.
import { Fleet } from "../stacks/fleet-model";

export interface CliDeps {
  /** A fresh fleet model over the stack files in `root` (default the project root). */
  openFleet(root?: string): Fleet;
}

export const defaultDeps: CliDeps = { openFleet: (root) => new Fleet(root) };
