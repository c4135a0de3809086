import "server-only";
import { ping } from "./db/client";
import { type Runtime, runtime } from "./runtime";
import { shuttingDown } from "./shutdown";

/** Each part gets this long to answer a trivial query. */
const CHECK_TIMEOUT_MS = 2_000;

export type Part = "warehouse" | "resultStore" | "metadataStore";
export type PartState = "ok" | "unavailable";

export interface Readiness {
  status: "ready" | "not ready" | "stopping";
  checks: Record<Part, PartState>;
}

const CHECKS: Record<Part, (rt: Runtime) => Promise<unknown>> = {
  warehouse: async (rt) => {
    if (!(await rt.engine.testConnection()).ok) throw new Error("the warehouse did not answer");
  },
  resultStore: (rt) => rt.store.read("SELECT 1"),
  metadataStore: (rt) => ping(rt.db),
};

/** Resolves true if `work` succeeds within the timeout; never rejects (a late failure is dropped). */
function answers(work: () => Promise<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
    work().then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(false);
      },
    );
  });
}

/**
 * Whether this server can serve: the warehouse, the result store and the
 * metadata store each answer a trivial query in time. Says which part is
 * unavailable, and nothing else about it (no versions, paths, hosts, errors).
 */
export async function readiness(): Promise<Readiness> {
  const parts = Object.keys(CHECKS) as Part[];
  const down = Object.fromEntries(parts.map((part) => [part, "unavailable"])) as Record<Part, PartState>;
  if (shuttingDown()) return { status: "stopping", checks: down };
  let rt: Runtime | null = null;
  if (!(await answers(async () => (rt = await runtime()))) || !rt) return { status: "not ready", checks: down };
  const started: Runtime = rt;
  const results = await Promise.all(parts.map((part) => answers(() => CHECKS[part](started))));
  const checks = Object.fromEntries(parts.map((part, i) => [part, results[i] ? "ok" : "unavailable"])) as Record<
    Part,
    PartState
  >;
  return { status: results.every(Boolean) ? "ready" : "not ready", checks };
}
