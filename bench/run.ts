// `npm run bench`: runs every benchmark module (bench/*.bench.ts) in turn, or those named on the command line.
import { readdirSync } from "node:fs";
import path from "node:path";

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith(".bench.ts"))
    .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
    .sort();
  if (files.length === 0) throw new Error(`no benchmark matches ${wanted.join(", ") || "bench/*.bench.ts"}`);
  for (const f of files) {
    console.log(`\n=== ${f} ===`);
    const mod = (await import(path.join(__dirname, f))) as { run: () => Promise<void> };
    await mod.run();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
