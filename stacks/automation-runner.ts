// The production StackRunner: Pulumi's Automation API over the project directory (Pulumi.yaml + the committed
// Pulumi.<stack>.yaml files). It drives the `pulumi` CLI, which is not installed on the development machine, so
// it is kept this thin and everything around it is tested with an injected runner.
import type { DeployOp, StackRunner, StackRunResult } from "./deploy";
import { PROJECT_ROOT } from "./fleet";

export function automationRunner(workDir = PROJECT_ROOT): StackRunner {
  return async (stackName: string, op: DeployOp, onOutput: (line: string) => void): Promise<StackRunResult> => {
    // Loaded on use: the Automation API pulls in the CLI wrapper, which plan/test paths never need.
    const { LocalWorkspace } = require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
    const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir });
    if (op === "preview") {
      const r = await stack.preview({ onOutput, diff: true });
      return { changes: r.changeSummary as Record<string, number> };
    }
    const r = await stack.up({ onOutput });
    return { changes: (r.summary.resourceChanges ?? {}) as Record<string, number> };
  };
}
