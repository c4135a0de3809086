import "server-only";
import path from "node:path";
import { z } from "zod";
import { parseAllowedDomains } from "@/lib/auth/email-domains";
import { parseByteSize } from "@/lib/byte-size";
import { parseDuration } from "@/lib/duration";
import { LOG_LEVELS } from "./log";
import { parseNetworks } from "./network/addresses";
import { parseHostPatterns, parsePorts } from "./network/hosts";

/** A size such as "20GB" or "512MiB" (or plain bytes), at least 1 MB; read as bytes. */
const byteSize = z.string().transform((text, ctx) => {
  const bytes = parseByteSize(text);
  if (bytes === null || bytes < 1e6) {
    ctx.addIssue({ code: "custom", message: 'expected a size of at least 1MB, such as "20GB" or "512MiB"' });
    return z.NEVER;
  }
  return bytes;
});

/** A comma-separated list read by `parse`, whose error names the entry at fault. */
function listOf<T>(parse: (text: string) => T) {
  return (text: string, ctx: z.RefinementCtx): T => {
    try {
      return parse(text);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  };
}

/** The Databricks cloud domains: AWS, Azure and Google Cloud workspaces. */
export const DEFAULT_WAREHOUSE_HOSTS = "*.cloud.databricks.com,*.azuredatabricks.net,*.gcp.databricks.com";

/**
 * Every setting Lakebook reads from the environment, validated once at start-up.
 * README's configuration table lists the same names and defaults.
 */
const schema = z.object({
  LAKEBOOK_DATA_DIR: z.string().min(1).default(".lakebook"),
  /** Rows of samples.nyctaxi.trips generated on first start. */
  LAKEBOOK_SAMPLE_TRIPS_ROWS: z.coerce.number().int().min(1000).max(100_000_000).default(5_000_000),
  /** A stored result stops (and is marked truncated) at whichever cap it reaches first. */
  LAKEBOOK_RESULT_MAX_ROWS: z.coerce.number().int().positive().default(20_000_000),
  LAKEBOOK_RESULT_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(4 * 1024 ** 3),
  /**
   * Disk the result store may use (stored results, their sort indexes and
   * download files), and the part of it one member's results may take.
   * Unset: derived from the free space of the data directory at start (see
   * lib/server/runs/budget.ts).
   */
  LAKEBOOK_RESULTS_BUDGET: byteSize.optional(),
  LAKEBOOK_RESULTS_BUDGET_PER_USER: byteSize.optional(),
  /** Stored results older than this are deleted. */
  LAKEBOOK_RESULT_TTL_HOURS: z.coerce.number().positive().default(24),
  LAKEBOOK_MAX_SQL_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** Memory DuckDB may use for the built-in warehouse and for the result store. */
  LAKEBOOK_WAREHOUSE_MEMORY: z
    .string()
    .regex(/^\d+(\.\d+)?\s*[KMGT]i?B$/i)
    .default("100MB"),
  LAKEBOOK_RESULTS_MEMORY: z
    .string()
    .regex(/^\d+(\.\d+)?\s*[KMGT]i?B$/i)
    .default("64MB"),
  LAKEBOOK_THREADS: z.coerce.number().int().positive().optional(),
  /** Most the built-in warehouse may spill to disk while members' queries run. */
  LAKEBOOK_WAREHOUSE_TEMP_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?\s*[KMGT]i?B$/i)
    .default("10GB"),
  /** Statements running at once on this server (runs and full downloads); more wait in a queue. */
  LAKEBOOK_MAX_CONCURRENT_RUNS: z.coerce.number().int().positive().default(16),
  /** Days the audit log keeps an event (API calls and downloads); older ones are deleted. */
  LAKEBOOK_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
  /** Calls one API token may make per minute (/api/v1); more are answered 429 with Retry-After. */
  LAKEBOOK_API_REQUESTS_PER_MINUTE: z.coerce.number().int().positive().default(120),
  /** Statements one member runs at once; their further runs wait for their own to end. */
  LAKEBOOK_MAX_RUNS_PER_USER: z.coerce.number().int().positive().default(4),
  /** Longest a run (or a full download) may execute, in seconds: "90s", "30m", "2h" or a number of seconds. */
  LAKEBOOK_STATEMENT_TIMEOUT: z
    .string()
    .default("1h")
    .transform((text, ctx) => {
      const seconds = parseDuration(text);
      // Databricks accepts at most two days (172800 s) for STATEMENT_TIMEOUT.
      if (seconds === null || seconds > 172_800) {
        ctx.addIssue({ code: "custom", message: 'a duration from 1s to 48h, such as "90s", "30m" or "2h"' });
        return z.NEVER;
      }
      return seconds;
    }),
  /** PostgreSQL for the metadata store; unset means embedded PGlite in the data directory. */
  DATABASE_URL: z.string().url().optional(),
  /**
   * 32-byte master key (hex or base64) sealing stored secrets; generated into
   * the data directory if unset, which only a single server with PGlite may do
   * (runtime.ts refuses to start with DATABASE_URL and no key).
   */
  LAKEBOOK_SECRET_KEY: z.string().min(32).optional(),
  /** The key before a rotation: what it sealed still opens, and is sealed again under the new key. */
  LAKEBOOK_SECRET_KEY_PREVIOUS: z.string().min(32).optional(),
  /**
   * Where connections may go (lib/server/network/warehouse-policy.ts): host
   * patterns (`*.` matches one or more labels before a domain), ports or
   * ranges (`*` for any), and address ranges (CIDR) that are private,
   * loopback or otherwise refused by default but allowed here.
   */
  LAKEBOOK_ALLOWED_WAREHOUSE_HOSTS: z.string().default(DEFAULT_WAREHOUSE_HOSTS).transform(listOf(parseHostPatterns)),
  LAKEBOOK_ALLOWED_WAREHOUSE_PORTS: z.string().default("443").transform(listOf(parsePorts)),
  LAKEBOOK_ALLOWED_WAREHOUSE_NETWORKS: z.string().default("").transform(listOf(parseNetworks)),
  /** Unattended installs: the first admin account, created at start-up when no user exists. */
  LAKEBOOK_ADMIN_EMAIL: z.string().email().optional(),
  LAKEBOOK_ADMIN_PASSWORD: z.string().min(12).optional(),
  LAKEBOOK_SESSION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  /**
   * Sign-in rate limits: failed attempts allowed per account (by email) and
   * per client address within a window of this many seconds; past them, sign-in
   * is refused with the wait until the window ends.
   */
  LAKEBOOK_SIGNIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  LAKEBOOK_SIGNIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(10),
  LAKEBOOK_SIGNIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(50),
  /**
   * `1`: Lakebook is behind one reverse proxy that appends the client's address
   * to X-Forwarded-For; the last address there is the client's. Otherwise the
   * address of the connection itself is used and X-Forwarded-For is ignored.
   */
  LAKEBOOK_TRUST_PROXY: z
    .enum(["0", "1"])
    .transform((v) => v === "1")
    .default(false),
  /** Single sign-on through any OpenID Connect provider (Okta, Entra ID, Databricks…). */
  LAKEBOOK_OIDC_ISSUER: z.string().url().optional(),
  LAKEBOOK_OIDC_CLIENT_ID: z.string().min(1).optional(),
  LAKEBOOK_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  LAKEBOOK_OIDC_NAME: z.string().min(1).default("single sign-on"),
  /**
   * Email domains whose verified single sign-on identities may join without an
   * invitation (comma list, exact match; subdomains only when listed). Empty:
   * "invited only", the default (lib/server/auth/sso.ts).
   */
  LAKEBOOK_OIDC_ALLOWED_DOMAINS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      const parsed = parseAllowedDomains(text);
      if ("problem" in parsed) {
        ctx.addIssue({ code: "custom", message: parsed.problem });
        return z.NEVER;
      }
      return parsed.domains;
    }),
  /** The least severe messages the server log keeps (log.ts reads it before the rest is validated). */
  LAKEBOOK_LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  /** `1`: GET /api/bench/event-loop answers the server's event-loop delay, for `npm run bench`; otherwise it is a 404. */
  LAKEBOOK_BENCH_PROBES: z
    .enum(["0", "1"])
    .transform((v) => v === "1")
    .default(false),
});

export type Config = z.infer<typeof schema>;

let cached: Config | undefined;

export function config(): Config {
  if (!cached) {
    const parsed = schema.safeParse(process.env);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new Error(`Invalid Lakebook configuration: ${problems}`);
    }
    cached = parsed.data;
  }
  return cached;
}

export function dataDir(): string {
  return path.resolve(config().LAKEBOOK_DATA_DIR);
}
