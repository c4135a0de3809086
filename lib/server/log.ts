import "server-only";
import pino from "pino";

export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  error(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  debug(message: string, detail?: unknown): void;
  /** The same log, each line also naming `component`. */
  child(component: string): Logger;
}

/** Where lines go: a stream-like sink (stdout by default). */
export interface LogSink {
  write(line: string): void;
}

const REDACTED = "[redacted]";

/**
 * Text that looks like a credential: an Authorization header, a Databricks
 * personal access token, a `key=value` or `"key": "value"` pair whose key
 * names a secret, the password of a connection URL.
 */
const SECRET_TEXT: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[\w.~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\bdapi[0-9a-f]{8,}(-\d+)?\b/gi, REDACTED],
  [
    /\b([\w-]*(?:token|secret|password|passwd|authorization|api[_-]?key|cookie)[\w-]*)(["']?\s*[:=]\s*["']?)[^\s"',;&}]+/gi,
    `$1$2${REDACTED}`,
  ],
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, `$1${REDACTED}@`],
  // A failed query's parameters (Drizzle puts them in its message): a password hash, a sealed secret.
  [/\nparams: [\s\S]*?(?=\n {4}at |\ncaused by|$)/g, `\nparams: ${REDACTED}`],
];

/** Keys whose values are never written, whatever they hold. */
const SECRET_KEY = /token|secret|password|passwd|authorization|cookie|api[_-]?key/i;

/** `text` with every credential-looking part, and each of `known`, replaced. */
export function redact(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const secret of known) if (secret.length >= 4) out = out.replaceAll(secret, REDACTED);
  for (const [pattern, replacement] of SECRET_TEXT) out = out.replace(pattern, replacement);
  return out;
}

function clean(value: unknown, known: readonly string[], depth = 0): unknown {
  if (typeof value === "string") return redact(value, known);
  if (value === null || typeof value !== "object") return typeof value === "bigint" ? String(value) : value;
  if (depth > 4) return "[…]";
  if (value instanceof Error) {
    const error = value as Error & { code?: unknown; cause?: unknown };
    return {
      type: error.name,
      message: redact(error.message, known),
      ...(error.code !== undefined ? { code: clean(error.code, known, depth + 1) } : {}),
      ...(error.stack ? { stack: redact(error.stack, known) } : {}),
      ...(error.cause !== undefined ? { cause: clean(error.cause, known, depth + 1) } : {}),
    };
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => clean(item, known, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : clean(item, known, depth + 1);
  }
  return out;
}

function levelFromEnv(): LogLevel {
  const wanted = process.env.LAKEBOOK_LOG_LEVEL as LogLevel | undefined;
  return wanted && LOG_LEVELS.includes(wanted) ? wanted : "info";
}

/**
 * A logger writing one JSON line per message (pino) to `sink`, each message
 * and detail cleaned of secrets first: `known` are exact secrets (a
 * connection's token) to hide as well.
 */
export function createLogger(
  sink: LogSink = pino.destination({ dest: 1, sync: true }),
  options: { level?: LogLevel; known?: readonly string[] } = {},
): Logger {
  const base = pino(
    {
      level: options.level ?? levelFromEnv(),
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Errors arrive already cleaned of secrets (clean() above), as plain objects.
      serializers: { err: (value: unknown) => value },
    },
    sink,
  );
  return wrap(base, options.known ?? []);
}

function wrap(base: pino.Logger, known: readonly string[]): Logger {
  const emit = (level: LogLevel) => (message: string, detail?: unknown) => {
    if (!base.isLevelEnabled(level)) return;
    const fields =
      detail === undefined ? {} : detail instanceof Error ? { err: clean(detail, known) } : clean(detail, known);
    base[level](typeof fields === "object" && fields !== null ? fields : { detail: fields }, redact(message, known));
  };
  return {
    error: emit("error"),
    warn: emit("warn"),
    info: emit("info"),
    debug: emit("debug"),
    child: (component) => wrap(base.child({ component }), known),
  };
}

/** The same lines as `logger`, with `secrets` hidden as well (a connection's own token or client secret). */
export function hiding(logger: Logger, secrets: readonly string[]): Logger {
  const hide = (write: (message: string, detail?: unknown) => void) => (message: string, detail?: unknown) =>
    write(
      redact(message, secrets),
      detail === undefined
        ? undefined
        : detail instanceof Error
          ? { err: clean(detail, secrets) }
          : clean(detail, secrets),
    );
  return {
    error: hide(logger.error),
    warn: hide(logger.warn),
    info: hide(logger.info),
    debug: hide(logger.debug),
    child: (component) => hiding(logger.child(component), secrets),
  };
}

// One logger per process, shared by every bundle that imports this module.
const holder = globalThis as { __lakebookLog?: Logger };

/** The server's log. */
export const log: Logger = {
  error: (message, detail) => shared().error(message, detail),
  warn: (message, detail) => shared().warn(message, detail),
  info: (message, detail) => shared().info(message, detail),
  debug: (message, detail) => shared().debug(message, detail),
  child: (component) => shared().child(component),
};

function shared(): Logger {
  holder.__lakebookLog ??= createLogger();
  return holder.__lakebookLog;
}
