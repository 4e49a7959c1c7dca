// The one dispatcher every runner uses (the Pulumi entry, Automation API, `sqlfleet plan`, tests): stack name
// → environment or customer program, config validated before anything is registered. A component's validation
// error is reported as the config key that fed the field (stacks/component-keys.ts), naming the stack.
import type * as pulumi from "@pulumi/pulumi";
import { ComponentValidationError } from "../components/validation";
import { sourceOfField } from "./component-keys";
import { parseCustomerConfig } from "./config/customer";
import { parseEnvironmentConfig } from "./config/environment";
import { ConfigError, InputError } from "./config/errors";
import { stackKind } from "./config/shared";
import { customerProgram, readEnvironment } from "./customer";
import { environmentProgram } from "./environment";

export type StackOutputs = Record<string, pulumi.Input<unknown>>;

export async function stackProgram(stack: string, raw: Record<string, unknown>): Promise<StackOutputs> {
  const kind = stackKind(stack);
  if (kind.kind === "environment") {
    const cfg = parseEnvironmentConfig(stack, raw);
    return asConfigError(stack, kind.env, raw, () => environmentProgram(stack, cfg) as StackOutputs);
  }
  const cfg = parseCustomerConfig(stack, kind.customer, raw);
  const env = await readEnvironment(stack, kind.env);
  return asConfigError(stack, kind.env, raw, () => customerProgram(stack, kind.env, cfg, env) as unknown as StackOutputs);
}

/** Runs a program; a ComponentValidationError becomes a ConfigError naming the key (or, unmapped, the stack). */
function asConfigError<T>(stack: string, env: string, raw: Record<string, unknown>, program: () => T): T {
  try {
    return program();
  } catch (e) {
    if (!(e instanceof ComponentValidationError)) throw e;
    const from = sourceOfField(e, { raw });
    const component = `${e.component} "${e.resourceName}" ${e.field}`;
    if (!from) throw new InputError(`stack ${stack}`, `${e.message} (set by the stack program, not from one config key)`);
    throw new ConfigError(stack, [{ key: from.key, value: e.value, allowed: from.allowed ?? e.allowed, source: component, ...(from.environment && env !== stack ? { stack: env } : {}) }]);
  }
}
