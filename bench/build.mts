// The production build the bench measures, and the machine it runs on.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { log } from "./stats.mjs";

export type Build = { built: boolean; stale: boolean };

/** Runs next build when there is no build (or BENCH_REBUILD=1); warns when the build is older than the sources. */
export function ensureBuild(cwd: string): Build {
  const buildId = path.join(cwd, ".next/BUILD_ID");
  if (fs.existsSync(buildId) && process.env.BENCH_REBUILD !== "1") {
    const built = fs.statSync(buildId).mtimeMs;
    const newer: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (
          /\.(ts|tsx|js|mjs|css)$/.test(entry.name) &&
          !/\.test\./.test(entry.name) &&
          fs.statSync(p).mtimeMs > built
        )
          newer.push(path.relative(cwd, p));
      }
    };
    for (const d of ["app", "lib", "components"]) if (fs.existsSync(path.join(cwd, d))) walk(path.join(cwd, d));
    for (const f of ["proxy.ts", "instrumentation.ts", "next.config.js"]) {
      const p = path.join(cwd, f);
      if (fs.existsSync(p) && fs.statSync(p).mtimeMs > built) newer.push(f);
    }
    if (newer.length > 0) {
      log(
        `WARNING: .next is older than ${newer.length} source file(s): ${newer.slice(0, 5).join(", ")}${newer.length > 5 ? ", ..." : ""}`,
      );
      log("         measuring the existing build; set BENCH_REBUILD=1 to build the current sources first.");
    } else {
      log("using the existing production build (.next/BUILD_ID)");
    }
    return { built: false, stale: newer.length > 0 };
  }
  log(`${fs.existsSync(buildId) ? "BENCH_REBUILD=1" : "no production build"}: running next build...`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(cwd, "node_modules/next/dist/bin/next"), "build"], {
    cwd,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "inherit",
  });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
  log(`built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return { built: true, stale: false };
}

/** What the figures were measured on. */
export function machine() {
  let nproc = "?";
  try {
    nproc = execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    // not on coreutils
  }
  return {
    nproc,
    cpu: os.cpus()[0]?.model ?? "?",
    memTotalGiB: (os.totalmem() / 1024 ** 3).toFixed(1),
    memAvailableGiB: (os.freemem() / 1024 ** 3).toFixed(1),
    node: process.version,
    loadavg: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" "),
  };
}
