// Pure pieces of the engine: backoff with jitter, retry policy, throttle decisions, batch sizing, checksums.
import { describe, expect, it } from "vitest";
import { DEFAULT_THROTTLE, nextBatchSize, throttleReason } from "../../schema/backfill";
import { canonicalJson, normaliseSql } from "../../schema/checksum";
import { backoffMs, withRetry } from "../../schema/retry";
import { buildSet } from "../../schema/sets";

describe("retry", () => {
  it("backs off exponentially with jitter in [cap/2, cap], capped", () => {
    expect(backoffMs(1, 250, 30_000, () => 0)).toBe(125);
    expect(backoffMs(1, 250, 30_000, () => 1)).toBe(250);
    expect(backoffMs(4, 250, 30_000, () => 1)).toBe(2000);
    expect(backoffMs(20, 250, 30_000, () => 0.5)).toBe(22_500);
  });

  it("retries only retryable errors, up to maxAttempts", async () => {
    let n = 0;
    const seen: number[] = [];
    const out = await withRetry(
      async () => {
        if (++n < 3) throw Object.assign(new Error("lock timeout"), { code: "55P03" });
        return "ok";
      },
      { isRetryable: (e) => (e as { code?: string }).code === "55P03", baseMs: 1, onRetry: (a) => seen.push(a) },
    );
    expect(out).toBe("ok");
    expect(seen).toEqual([1, 2]);
    await expect(withRetry(async () => Promise.reject(new Error("syntax")), { isRetryable: () => false })).rejects.toThrow("syntax");
    let tries = 0;
    await expect(withRetry(async () => (tries++, Promise.reject(new Error("busy"))), { isRetryable: () => true, maxAttempts: 3, baseMs: 1 })).rejects.toThrow("busy");
    expect(tries).toBe(3);
  });
});

describe("throttling and batch sizing", () => {
  it("names the exceeded health signal", () => {
    expect(throttleReason({ replicationLagMs: 10, blockedByUs: 0, longestTransactionMs: 0 }, DEFAULT_THROTTLE)).toBeUndefined();
    expect(throttleReason({ replicationLagMs: 2000 }, DEFAULT_THROTTLE)).toBe("replication lag 2000 ms > 1500 ms");
    expect(throttleReason({ blockedByUs: 9 }, DEFAULT_THROTTLE)).toBe("9 sessions blocked by the runner > 5");
    expect(throttleReason({ logWritePercent: 95 }, DEFAULT_THROTTLE)).toBe("log write 95% > 80%");
    expect(throttleReason({ logRateGovernorWaits: 2 }, DEFAULT_THROTTLE)).toBe("2 sessions waiting on the log rate governor");
  });

  it("sizes batches to the target duration, grows at most 1.5× (1.2× near it) and halves after an overrun", () => {
    const b = { targetMs: 300, min: 100, max: 50_000 };
    expect(nextBatchSize(1000, 100_000, 10, b)).toBe(1500); // far below target: growth capped at 1.5×
    expect(nextBatchSize(10_000, 100_000, 200, b)).toBe(12_000); // near target: 1.2×
    expect(nextBatchSize(20_000, 50_000, 290, b)).toBe(12_000); // rate × 0.8 × target (headroom for noise)
    expect(nextBatchSize(20_000, 50_000, 460, b)).toBe(10_000); // > 1.5 × target: halve
    expect(nextBatchSize(150, 10, 900, b)).toBe(100); // floor
  });
});

describe("checksums", () => {
  it("ignore line endings and trailing spaces but not content; options are part of the set checksum", () => {
    expect(normaliseSql("SELECT 1  \r\nFROM t\t\n")).toBe("SELECT 1\nFROM t");
    expect(canonicalJson({ b: 1, a: [1, "x "] })).toBe('{"a":[1,"x"],"b":1}');
    const a = buildSet("fhir-partitioning", "postgres");
    const b = buildSet("fhir-partitioning", "postgres", { conformanceTypes: [...(a.options.conformanceTypes as string[])].reverse() });
    expect(b.checksum).toBe(a.checksum); // same list, other order
    const c = buildSet("fhir-partitioning", "postgres", { conformanceTypes: ["ValueSet"] });
    expect(c.checksum).not.toBe(a.checksum);
    expect(c.migrationChecksums["0001-resource-store"]).toBe(a.migrationChecksums["0001-resource-store"]);
    expect(c.migrationChecksums["0002-lightweight-partitioning"]).not.toBe(a.migrationChecksums["0002-lightweight-partitioning"]);
    expect(buildSet("fhir-partitioning", "mssql").checksum).not.toBe(a.checksum);
    expect(() => buildSet("nope", "postgres")).toThrow(/migration set "nope" is unknown; allowed: .*fhir-partitioning/);
  });
});
