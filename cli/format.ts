// Shared CLI output: aligned tables, coloured verdicts, JSON for machines. chalk turns colour off by itself when
// stdout is not a terminal (and honours NO_COLOR / FORCE_COLOR).
import chalk from "chalk";

export function table(rows: (string | number | boolean | undefined)[][], header?: string[]): string {
  const all = [...(header ? [header] : []), ...rows].map((r) => r.map((c) => (c === undefined ? "-" : String(c))));
  if (all.length === 0) return "";
  const widths = all[0].map((_, i) => Math.max(...all.map((r) => visible(r[i] ?? "").length)));
  return all
    .map((r, ri) => {
      const line = r.map((c, i) => c + " ".repeat(widths[i] - visible(c).length)).join("  ").trimEnd();
      return header && ri === 0 ? chalk.bold(line) : line;
    })
    .join("\n");
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const visible = (s: string) => s.replace(ANSI, "");

export const heading = (s: string) => chalk.bold.underline(s);

export function verdict(v: string): string {
  switch (v) {
    case "ok":
    case "none":
    case "create":
      return chalk.green(v);
    case "online":
      return chalk.cyan(v);
    case "warn":
    case "advisory":
    case "leave-failover-group":
      return chalk.yellow(v);
    case "one-way":
      return chalk.magenta(v);
    case "replacement":
    case "mandatory":
    case "delete":
      return chalk.red.bold(v);
    default:
      return v;
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
