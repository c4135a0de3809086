#!/usr/bin/env node
// `npm test`: typecheck, lint, unit/integration tests (Vitest), a production
// build, the benchmark at tiny sizes (so that it never silently breaks), and
// browser tests (Playwright with the system Chromium). Ends with one line
// `N passed, N failed` totalling every suite.
import { spawn } from "node:child_process";
import fs from "node:fs";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", FORCE_COLOR: "0" };
let passed = 0;
let failed = 0;
const summary = [];
const failures = [];

/** How many of a failed step's last lines are repeated beside the summary (CI shows a log's end). */
const TAIL_LINES = 16;

async function step(name, command, args, count, extraEnv = {}) {
  const started = Date.now();
  console.log(`\n=== ${name}: ${command} ${args.join(" ")}`);
  // Printed as it comes, and the tail kept: CI often shows only the end of a long log.
  const child = spawn(command, args, { stdio: ["inherit", "pipe", "pipe"], env: { ...env, ...extraEnv } });
  let tail = "";
  const keep = (chunk, out) => {
    out.write(chunk);
    tail = (tail + chunk.toString("utf8")).slice(-64 * 1024);
  };
  child.stdout.on("data", (chunk) => keep(chunk, process.stdout));
  child.stderr.on("data", (chunk) => keep(chunk, process.stderr));
  const status = await new Promise((resolve) => {
    child.once("error", () => resolve(null));
    child.once("close", (code) => resolve(code));
  });
  const ok = status === 0;
  const counted = count?.();
  if (counted) {
    passed += counted.passed;
    // A runner that failed without a failing test (a crash, a bad config) still fails.
    failed += counted.failed || (ok ? 0 : 1);
  } else if (ok) {
    passed += 1;
  } else {
    failed += 1;
  }
  summary.push(`${ok ? "ok  " : "FAIL"} ${name} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  if (!ok)
    failures.push(`--- the last lines of ${name} ---\n${tail.trimEnd().split("\n").slice(-TAIL_LINES).join("\n")}`);
  return ok;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

fs.mkdirSync("test-results", { recursive: true });
fs.rmSync("test-results/vitest.json", { force: true });
fs.rmSync("test-results/e2e.json", { force: true });

await step("typecheck", "npx", ["tsc", "--noEmit", "-p", "."]);
await step("lint", "npx", ["biome", "check", "."]);
await step(
  "unit and integration tests",
  "npx",
  ["vitest", "run", "--reporter=default", "--reporter=json", "--outputFile.json=test-results/vitest.json"],
  () => {
    const report = readJson("test-results/vitest.json");
    return report && { passed: report.numPassedTests, failed: report.numFailedTests };
  },
);
const built = await step("production build", "npx", ["next", "build"]);
if (built) {
  // Every phase of `npm run bench` at tiny sizes, the Databricks path (the real driver against the
  // Thrift test warehouse) at 20,000 rows: it fails only if a phase crashed or produced no figures.
  await step("bench smoke", "npm", ["run", "bench", "--", "--smoke"]);
  await step("browser tests", "npx", ["playwright", "test"], () => {
    const report = readJson("test-results/e2e.json");
    return report && { passed: report.stats.expected, failed: report.stats.unexpected + report.stats.flaky };
  });
}

for (const failure of failures) console.log(`\n${failure}`);
console.log(`\n${summary.join("\n")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && summary.every((line) => line.startsWith("ok")) ? 0 : 1);
