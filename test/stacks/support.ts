// Test helpers for stack configs: the committed files as the engine's config map.
import { readConfigMap, stackFilePath } from "../../stacks/fleet";
export { rawFromConfigMap, stackKind } from "../../stacks/config/shared";

export function readConfigMapFixture(stack: string): Record<string, string> {
  return readConfigMap(stackFilePath(stack));
}
