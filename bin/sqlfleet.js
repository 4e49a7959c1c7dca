#!/usr/bin/env node
// Thin launcher: runs the TypeScript CLI through tsx so the shipped code is the tested code.
const { spawnSync } = require("node:child_process");
const path = require("node:path");
const tsx = require.resolve("tsx/cli");
const main = path.join(__dirname, "..", "cli", "main.ts");
const r = spawnSync(process.execPath, [tsx, main, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(r.status === null ? 1 : r.status);
