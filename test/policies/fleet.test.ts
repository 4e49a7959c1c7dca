// The committed fleet (every Pulumi.<stack>.yaml) recorded under mocks and checked by the pack, as `sqlfleet policy
// check` and CI do; then the same real stacks changed one benchmark-breaking way at a time.
import * as pulumi from "@pulumi/pulumi";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { recordProgram, type Recording } from "../../offline/recorder";
import { evaluatePolicies } from "../../policies/runner";
import { rawFromConfigMap, stackKind } from "../../stacks/config/shared";
import { listStacks, readConfigMap, stackFilePath } from "../../stacks/fleet";
import { stackProgram } from "../../stacks/program";
import { environmentOutputs, recordStack } from "../../stacks/record-stack";
import { yieldToEventLoop } from "./fleet-fixture";

afterEach(yieldToEventLoop);

type Transform = (args: pulumi.ResourceTransformationArgs) => pulumi.ResourceTransformationResult | undefined;

/** Records a committed stack with one change applied to the resources its program registers. */
async function recordChanged(stack: string, change: Transform): Promise<Recording> {
  const configMap = readConfigMap(stackFilePath(stack));
  const kind = stackKind(stack);
  const stackOutputs = kind.kind === "customer" ? { [kind.env]: await environmentOutputs(kind.env) } : {};
  const { recording } = await recordProgram(
    () => {
      pulumi.runtime.registerStackTransformation(change);
      return stackProgram(stack, rawFromConfigMap(configMap));
    },
    { stack, config: configMap, stackOutputs },
  );
  return recording;
}

const onType = (type: string, edit: (props: Record<string, unknown>) => Record<string, unknown>): Transform => (a) =>
  a.type === type ? { props: edit({ ...(a.props as Record<string, unknown>) }), opts: a.opts } : undefined;

async function mandatoryIds(recording: Recording): Promise<string[]> {
  const diags = await evaluatePolicies(recording);
  return [...new Set(diags.filter((d) => d.enforcementLevel === "mandatory").map((d) => d.policyId))].sort();
}

const stacks = listStacks();

describe("the committed fleet", () => {
  it("has environment and customer stacks", () => {
    expect(stacks).toContain("prod");
    expect(stacks.some((s) => s.startsWith("prod-"))).toBe(true);
  });

  it.each(stacks)("%s has no mandatory policy violation", async (stack) => {
    const { recording } = await recordStack(stack);
    const diags = await evaluatePolicies(recording);
    const mandatory = diags.filter((d) => d.enforcementLevel === "mandatory").map((d) => `${d.policyId} on ${d.resourceName}: ${d.message}`);
    expect(mandatory).toEqual([]);
  });
});

describe("a committed stack changed one way is flagged with the right id", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "sqlfleet-policy-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("public network access on the SQL servers", async () => {
    const rec = await recordChanged("prod", onType("azure-native:sql:Server", (p) => ({ ...p, publicNetworkAccess: "Enabled" })));
    expect(await mandatoryIds(rec)).toEqual(["sqlfleet-sql-server-no-public-network"]);
  });

  it("TLS 1.0 on the SQL servers", async () => {
    const rec = await recordChanged("prod", onType("azure-native:sql:Server", (p) => ({ ...p, minimalTlsVersion: "1.0" })));
    expect(await mandatoryIds(rec)).toEqual(["sqlfleet-sql-server-min-tls"]);
  });

  it("a non-HSM 2048-bit key where 3072 is required (through the stack's own config)", async () => {
    const file = path.join(dir, "Pulumi.prod.yaml");
    copyFileSync(stackFilePath("prod"), file);
    const yaml = readFileSync(file, "utf8").replace("keyType: RSA-HSM", "keyType: RSA").replace("keySize: 3072", "keySize: 2048");
    expect(yaml).toContain("keySize: 2048");
    writeFileSync(file, yaml);
    const { recording } = await recordStack("prod", { configFile: file });
    expect(await mandatoryIds(recording)).toEqual(["sqlfleet-kv-key-strength"]);
  });

  it("a production database outside any failover group", async () => {
    const customer = stacks.find((s) => s.startsWith("prod-"))!;
    const rec = await recordChanged(customer, onType("azure-native:sql:FailoverGroup", (p) => ({ ...p, databases: [] })));
    expect(await mandatoryIds(rec)).toEqual(["sqlfleet-stack-prod-db-in-failover-group"]);
  });
});
