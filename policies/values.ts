// Small pure helpers the rules share: reading config, comparing Azure strings, IPv4 ranges, ISO-8601 durations.
import type { ResolvedConfig } from "./config";

export const cfgStrings = (cfg: ResolvedConfig, key: string): string[] => (cfg[key] as string[] | undefined) ?? [];
export const cfgNumbers = (cfg: ResolvedConfig, key: string): number[] => (cfg[key] as number[] | undefined) ?? [];
export const cfgNumber = (cfg: ResolvedConfig, key: string): number => cfg[key] as number;
export const cfgString = (cfg: ResolvedConfig, key: string): string | undefined => cfg[key] as string | undefined;
export const cfgBool = (cfg: ResolvedConfig, key: string): boolean => cfg[key] === true;

/** Azure enum values arrive in either case (`"Disabled"`, `"disabled"`). */
export function eqi(a: unknown, b: string): boolean {
  return typeof a === "string" && a.toLowerCase() === b.toLowerCase();
}

export function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === "string" && v.trim() === "");
}

export function show(v: unknown): string {
  return v === undefined ? "unset" : JSON.stringify(v);
}

/** IPv4 dotted quad → unsigned 32-bit integer, or undefined when not an IPv4 address. */
export function ipv4ToInt(ip: unknown): number | undefined {
  if (typeof ip !== "string") return undefined;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** Checks a firewall range: open to the internet, "allow Azure services", or wider than a /maxPrefix. */
export function firewallRangeProblem(start: unknown, end: unknown, maxPrefix: number, allowAzureServices: boolean): string | undefined {
  const s = ipv4ToInt(start);
  const e = ipv4ToInt(end);
  if (s === undefined || e === undefined) return `range ${show(start)}–${show(end)} is not a pair of IPv4 addresses`;
  if (s > e) return `range ${show(start)}–${show(end)} starts after it ends`;
  if (s === 0 && e === 0) {
    return allowAzureServices ? undefined : `range 0.0.0.0–0.0.0.0 ("Allow Azure services") opens the server to every Azure tenant`;
  }
  if (s === 0 && e === 0xffffffff) return `range ${start}–${end} opens the server to the whole internet`;
  const width = e - s + 1;
  const allowed = 2 ** (32 - maxPrefix);
  if (width > allowed) return `range ${start}–${end} spans ${width} addresses, wider than a /${maxPrefix} (${allowed})`;
  return undefined;
}

/** A CIDR rule covering everything (`0.0.0.0/0`, `*`, `::/0`). */
export function isOpenCidr(v: unknown): boolean {
  return typeof v === "string" && ["0.0.0.0/0", "0.0.0.0", "*", "::/0", "any", "internet"].includes(v.trim().toLowerCase());
}

/** ISO-8601 duration (`P1Y`, `P12W`, `P30D`, `PT0S`, `P1Y6M`) → approximate days; undefined when unparsable. */
export function isoDurationDays(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(v.trim().toUpperCase());
  if (!m || v.trim().toUpperCase() === "P" || v.trim().toUpperCase() === "PT") return undefined;
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((x) => (x ? Number(x) : 0));
  return y * 365 + mo * 30 + w * 7 + d + (h + mi / 60 + s / 3600) / 24;
}

/** A Key Vault key URI with an explicit version: https://<vault>.vault.azure.net/keys/<name>/<version>. */
export function isVersionedKeyUri(v: unknown): boolean {
  return typeof v === "string" && /^https:\/\/[^/]+\/keys\/[^/]+\/[0-9a-zA-Z]+\/?$/.test(v);
}

export function isKeyUri(v: unknown): boolean {
  return typeof v === "string" && /^https:\/\/[^/]+\/keys\/[^/]+(\/[0-9a-zA-Z]+)?\/?$/.test(v);
}
