// The one dispatcher every runner uses (the Pulumi entry, Automation API, `sqlfleet plan`, tests): stack name
// → environment or customer program, config validated before anything is registered.
import type * as pulumi from "@pulumi/pulumi";
import { parseCustomerConfig } from "./config/customer";
import { parseEnvironmentConfig } from "./config/environment";
import { stackKind } from "./config/shared";
import { customerProgram, readEnvironment } from "./customer";
import { environmentProgram } from "./environment";

export type StackOutputs = Record<string, pulumi.Input<unknown>>;

export async function stackProgram(stack: string, raw: Record<string, unknown>): Promise<StackOutputs> {
  const kind = stackKind(stack);
  if (kind.kind === "environment") {
    return environmentProgram(stack, parseEnvironmentConfig(stack, raw)) as StackOutputs;
  }
  const cfg = parseCustomerConfig(stack, kind.customer, raw);
  const env = await readEnvironment(stack, kind.env);
  return customerProgram(stack, kind.env, cfg, env) as unknown as StackOutputs;
}
