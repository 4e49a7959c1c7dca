// The import rule in eslint.config.mjs is what keeps product code out of tests and benchmarks; this checks the
// rule bites (a product file importing test support fails lint) and that a test file may still do it.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: process.cwd() });
const probe = (from: string) => `import { runCli } from "${from}";\nexport const run = runCli;\n`;

async function restricted(filePath: string, from: string): Promise<string[]> {
  const [result] = await eslint.lintText(probe(from), { filePath });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("import boundary", () => {
  it.each([
    ["stacks/probe.ts", "../test/support/cli"],
    ["cli/commands/probe.ts", "../../test/support/cli"],
    ["schema/sets/edfi-dms/probe.ts", "../../../bench/plan-fleet"],
    ["offline/probe.ts", "../harness/recorder"],
    ["policies/probe.ts", "../test/policies/fleet-fixture"],
  ])("%s may not import %s", async (file, from) => {
    expect(await restricted(file, from)).toEqual([expect.stringContaining("product code may not import")]);
  });

  it("tests and benchmarks may import product code and test support", async () => {
    expect(await restricted("test/stacks/probe.test.ts", "../support/cli")).toEqual([]);
    expect(await restricted("bench/probe.ts", "../offline/recorder")).toEqual([]);
  });
});
