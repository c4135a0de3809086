import type { SqlDialect } from "./split";
import { scanTokens } from "./tokens";

/** At most this many settings hold for a tab; later ones hold for their own run only. */
export const MAX_HELD_SETTINGS = 32;
/** A SET longer than this holds for its own run only. */
export const MAX_SETTING_LENGTH = 4096;
/** Longer keys are not settings anyone can mean. */
const MAX_KEY_LENGTH = 256;

/** `SET VAR x = …` and `SET VARIABLE x = …` set a session variable, not a setting. */
const VARIABLE_WORDS = new Set(["VAR", "VARIABLE"]);

/** What one statement does to a session's settings: sets one key, or resets one key (or all). */
export type SettingChange = { key: string; set: true } | { key: string | null; set: false };

/**
 * What a statement does to its session's settings, read from its tokens:
 * `SET key = value` and `SET TIME ZONE …` set a key; `RESET key` and `RESET`
 * undo. Anything else — `SET` or `SET -v` (listing), `SET key` (showing),
 * `SET VAR[IABLE] …` (a session variable, which needs the DECLARE of its own
 * run) — is null. Keys compare case-insensitively, as the engines do.
 * Reads only as far as the `=`.
 */
export function settingChange(sql: string, dialect: SqlDialect): SettingChange | null {
  let verb: "SET" | "RESET" | null = null;
  let key = "";
  let sawEquals = false;
  let words = 0;
  let tooLong = false;
  scanTokens(sql, dialect, (kind, start, end) => {
    if (kind === "space" || kind === "comment") return true;
    const text = sql.slice(start, end);
    if (verb === null) {
      const word = kind === "word" ? text.toUpperCase() : "";
      if (word !== "SET" && word !== "RESET") return false;
      verb = word;
      return true;
    }
    if (verb === "SET" && kind === "symbol" && text === "=") {
      sawEquals = true;
      return false;
    }
    if (kind === "word") words++;
    if (verb === "SET" && words === 1 && kind === "word" && VARIABLE_WORDS.has(text.toUpperCase())) {
      verb = null;
      return false;
    }
    if (verb === "SET" && words === 2 && key.toUpperCase() === "TIME" && text.toUpperCase() === "ZONE") {
      key = "time zone";
      sawEquals = true;
      return false;
    }
    key += kind === "string" || kind === "quoted" ? text : text.toLowerCase();
    tooLong = key.length > MAX_KEY_LENGTH;
    return !tooLong;
  });
  if (verb === null || tooLong) return null;
  if (verb === "RESET") return { key: key.toLowerCase() || null, set: false };
  return sawEquals && key ? { key: key.toLowerCase(), set: true } : null;
}

/**
 * The settings that hold after `ran` (statements that succeeded, in order)
 * ran in a session that started with `held`: each key's last SET text, in the
 * order they were last set; RESET removes a key, a bare RESET all of them.
 */
export function heldSettings(held: readonly string[], ran: readonly string[], dialect: SqlDialect): string[] {
  const byKey = new Map<string, string>();
  const apply = (text: string) => {
    const change = settingChange(text, dialect);
    if (!change) return;
    if (!change.set) {
      if (change.key === null) byKey.clear();
      else byKey.delete(change.key);
      return;
    }
    const kept = text.trim();
    byKey.delete(change.key);
    if (kept.length <= MAX_SETTING_LENGTH && byKey.size < MAX_HELD_SETTINGS) byKey.set(change.key, kept);
  };
  for (const text of held) apply(text);
  for (const text of ran) apply(text);
  return [...byKey.values()];
}
