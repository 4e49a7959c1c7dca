// Placement: pure decisions (which tier, which pool, which moves, how a resize is carried out). No Pulumi here.
export * from "./errors";
export * from "./limits";
export * from "./tier";
export * from "./pools";
export * from "./packing";
export * from "./resize";
export * from "./metrics";
export * from "./rebalance";
