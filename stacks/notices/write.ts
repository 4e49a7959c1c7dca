// Writes each notice as <dir>/<customer stack>.json and .md. Everything is rendered before the first file is written,
// and a --notices path that is a file is refused (exit 2) before anything changes.
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../config/errors";
import { noticeMarkdown } from "./markdown";
import type { Notice } from "./types";

export function writeNotices(dir: string, notices: readonly Notice[], flag = "--notices"): string[] {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InputError(`${flag} ${dir}`, "exists and is not a directory");
  const files = notices.flatMap((n) => [
    { file: path.join(dir, `${n.customer.stack}.json`), text: `${JSON.stringify(n, null, 2)}\n` },
    { file: path.join(dir, `${n.customer.stack}.md`), text: noticeMarkdown(n) },
  ]);
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(f.file, f.text);
  return files.map((f) => f.file);
}
