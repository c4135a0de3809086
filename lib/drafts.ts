import type { ChartSpec } from "@/lib/notebooks/types";
import type { ParameterSpec } from "@/lib/sql/parameters";

/**
 * Typed text is mirrored in this browser at every keystroke and saved on the
 * server shortly after; the mirror covers what a crash or a closed window
 * would lose in between, and is cleared once the server has it.
 */

export interface DraftBackup {
  sql: string;
  connectionId: string;
  revision: number;
  /** The parameter widgets and their values (absent in copies kept before parameters existed). */
  parameters?: ParameterSpec[];
  /** The chart of the tab's result (absent in copies kept before editor charts existed). */
  chart?: ChartSpec | null;
}

const PREFIX = "lakebook.tab.";

export function readBackup(tabId: string): DraftBackup | null {
  try {
    const text = localStorage.getItem(PREFIX + tabId);
    return text ? (JSON.parse(text) as DraftBackup) : null;
  } catch {
    return null;
  }
}

export function writeBackup(tabId: string, draft: DraftBackup): void {
  try {
    localStorage.setItem(PREFIX + tabId, JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the server save still happens.
  }
}

export function clearBackup(tabId: string, upTo = Number.POSITIVE_INFINITY): void {
  const backup = readBackup(tabId);
  if (backup && backup.revision <= upTo) localStorage.removeItem(PREFIX + tabId);
}

// Pending saves of every mounted tab, so that signing out can wait for them.
const flushers = new Set<() => Promise<void>>();

export function registerFlush(flush: () => Promise<void>): () => void {
  flushers.add(flush);
  return () => flushers.delete(flush);
}

/**
 * Saves every pending draft on the server (before signing out). Each saved
 * draft's browser copy is removed; one the server could not take stays.
 */
export async function flushAllDrafts(): Promise<void> {
  await Promise.all([...flushers].map((flush) => flush().catch(() => {})));
}
