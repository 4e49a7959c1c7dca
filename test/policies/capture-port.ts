// Imported before policies/index.ts: the pack's gRPC server announces its port with console.log
// (research/pulumi.md §4.2(2)); keep those lines so the test can connect.
export const printed: string[] = [];
const original = console.log.bind(console);
console.log = (...args: unknown[]) => {
  printed.push(args.map(String).join(" "));
  original(...args);
};
