// The runner relies on @internal exports of @pulumi/policy 1.21.0 and Pulumi's analyzer protos
// (research/pulumi.md §4.2). If an upgrade moves them, this fails first and says what moved.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("@pulumi/policy internals used by policies/runner.ts", () => {
  it("are where the runner expects them", () => {
    const pkg = JSON.parse(readFileSync(require.resolve("@pulumi/policy/package.json"), "utf8")) as { version: string };
    expect(pkg.version.replace(/^v/, ""), "the runner was verified against @pulumi/policy 1.21.0").toBe("1.21.0");
    const server = require("@pulumi/policy/server") as Record<string, unknown>;
    expect(typeof server.makeAnalyzeRpcFun, "@pulumi/policy/server makeAnalyzeRpcFun moved").toBe("function");
    expect(typeof server.makeAnalyzeStackRpcFun, "@pulumi/policy/server makeAnalyzeStackRpcFun moved").toBe("function");
    const pb = require("@pulumi/pulumi/proto/analyzer_pb") as Record<string, { prototype: Record<string, unknown> }>;
    for (const [cls, methods] of Object.entries({
      AnalyzeRequest: ["setType", "setName", "setUrn", "setProperties", "setOptions"],
      AnalyzeStackRequest: ["setResourcesList"],
      AnalyzerResource: ["setParent", "setDependenciesList", "getPropertydependenciesMap", "setProperties"],
      AnalyzerResourceOptions: ["setProtect", "setIgnorechangesList", "setParent"],
      AnalyzerPropertyDependencies: ["setUrnsList"],
      AnalyzeDiagnostic: ["getPolicyname", "getEnforcementlevel", "getSeverity", "getUrn", "getMessage"],
    })) {
      for (const m of methods) expect(typeof pb[cls]?.prototype[m], `analyzer_pb ${cls}.${m}`).toBe("function");
    }
    const policy = require("@pulumi/policy") as Record<string, unknown>;
    expect(typeof policy.UnknownValueError, "UnknownValueError is re-exported from the package root since 1.21.0").toBe("function");
  });
});
