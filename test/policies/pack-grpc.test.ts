// Loads the real pack entry point (policies/index.ts), which starts its gRPC Analyzer server as under
// `pulumi preview --policy-pack`, and talks to it over loopback like the engine does. One pack per process,
// so this is the only test file that imports policies/index.ts.
import "./capture-port";
import "../../policies/index";
import * as sql from "@pulumi/azure-native/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordProgram } from "../../offline/recorder";
import { listPolicies } from "../../policies/build";
import { analyzerRequests, diagnosticsOf, evaluatePolicies, type AnalyzeResponse, type PolicyDiagnostic } from "../../policies/runner";
import { printed } from "./capture-port";
import { recordFleet } from "./fleet-fixture";

/* eslint-disable @typescript-eslint/no-explicit-any -- generated gRPC/protobuf modules have no type declarations */
const grpc = require("@grpc/grpc-js") as any;
const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb") as any;
const pb = require("@pulumi/pulumi/proto/analyzer_pb") as any;
const { Empty } = require("google-protobuf/google/protobuf/empty_pb") as any;
const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as any;

let client: any;
const rpc = <T>(method: string, req: unknown): Promise<T> =>
  new Promise((resolve, reject) => client[method](req, (err: unknown, resp: T) => (err ? reject(err) : resolve(resp))));

beforeAll(async () => {
  const deadline = Date.now() + 20_000;
  let port: string | undefined;
  while (!(port = printed.find((l) => /^\d+$/.test(l))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (!port) throw new Error(`the pack printed no port: ${JSON.stringify(printed)}`);
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});
afterAll(() => client?.close());

async function analyzeTls(version: string): Promise<any[]> {
  const { recording } = await recordProgram(() => {
    new sql.Server("s", { resourceGroupName: "rg", minimalTlsVersion: version, publicNetworkAccess: "Disabled" });
  }, { stack: "prod" });
  const r = recording.one("s");
  const req = new pb.AnalyzeRequest();
  req.setType(r.type);
  req.setName(r.name);
  req.setUrn(r.urn);
  req.setProperties(r.struct);
  req.setOptions(new pb.AnalyzerResourceOptions());
  const resp = await rpc<any>("analyze", req);
  // The lone server also lacks CMK etc.; this test is about the TLS policy.
  return resp.getDiagnosticsList().filter((d: any) => d.getPolicyname() === "sqlfleet-sql-server-min-tls");
}

describe("policies/index.ts as a CrossGuard analyzer over gRPC", () => {
  it("serves the pack with valid metadata for every policy", async () => {
    const info = await rpc<any>("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe("sqlfleet-security-benchmark");
    expect(info.getVersion()).toMatch(/^\d+\.\d+\.\d+/);
    const policies = info.getPoliciesList();
    const expected = listPolicies();
    expect(policies.map((p: any) => p.getName())).toEqual(expected.map((p) => p.id));
    for (const p of policies) {
      const meta = expected.find((e) => e.id === p.getName())!;
      expect(p.getEnforcementlevel()).toBe(meta.enforcementLevel === "mandatory" ? pb.EnforcementLevel.MANDATORY : pb.EnforcementLevel.ADVISORY);
      expect(p.getSeverity()).toBeGreaterThan(0);
      expect(p.getFramework().getReference()).toBe(meta.framework.reference);
      expect(p.getRemediationSteps()).toBe(meta.remediation);
      expect(p.getPolicyType()).toBe(meta.kind === "stack" ? pb.PolicyType.POLICY_TYPE_STACK : pb.PolicyType.POLICY_TYPE_RESOURCE);
      expect(Object.keys(p.getConfigschema().getProperties().toJavaScript())).toContain("productionEnvironments");
    }
  });

  it("flags a TLS 1.0 server as mandatory, and honours config sent through `configure`", async () => {
    const before = await analyzeTls("1.0");
    expect(before.map((d: any) => [d.getPolicyname(), d.getEnforcementlevel()])).toEqual([["sqlfleet-sql-server-min-tls", pb.EnforcementLevel.MANDATORY]]);
    expect(before[0].getMessage()).toContain('minimalTlsVersion is "1.0"');

    const req = new pb.ConfigureAnalyzerRequest();
    const cfg = new pb.PolicyConfig();
    cfg.setEnforcementlevel(pb.EnforcementLevel.ADVISORY);
    cfg.setProperties(Struct.fromJavaScript({ allowedTlsVersions: ["1.0", "1.2", "1.3"] }));
    req.getPolicyconfigMap().set("sqlfleet-sql-server-min-tls", cfg);
    await rpc("configure", req);
    expect(await analyzeTls("1.0")).toEqual([]);
    expect((await analyzeTls("1.1")).map((d: any) => [d.getPolicyname(), d.getEnforcementlevel()])).toEqual([["sqlfleet-sql-server-min-tls", pb.EnforcementLevel.ADVISORY]]);
  });

  it("gives the same verdicts as the in-process runner on a stack with broken relations (analyze + analyzeStack)", async () => {
    const recording = await recordFleet({ omit: ["dbDiag", "primary.keyRole"], set: { "secondary.server": { minimalTlsVersion: "1.0" } } });
    const { resources, stack } = analyzerRequests(recording);
    const viaGrpc: PolicyDiagnostic[] = [];
    for (const req of resources) viaGrpc.push(...diagnosticsOf(await rpc<AnalyzeResponse>("analyze", req), recording, (req as any).getUrn()));
    viaGrpc.push(...diagnosticsOf(await rpc<AnalyzeResponse>("analyzeStack", stack), recording));
    const key = (d: PolicyDiagnostic) => `${d.policyId}|${d.enforcementLevel}|${d.urn}|${d.message}`;
    // `configure` above relaxed the TLS policy in this server; the runner gets the same config.
    const inProcess = await evaluatePolicies(recording, { config: { "sqlfleet-sql-server-min-tls": { enforcementLevel: "advisory", allowedTlsVersions: ["1.0", "1.2", "1.3"] } } });
    expect(viaGrpc.map(key).sort()).toEqual(inProcess.map(key).sort());
    expect(new Set(viaGrpc.map((d) => d.policyId))).toEqual(new Set(["sqlfleet-stack-diagnostics-coverage", "sqlfleet-stack-cmk-chain"]));
  });
});
