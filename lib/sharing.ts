/** Sharing levels, as Databricks users know them; each includes the ones before it. */
export const LEVELS = ["view", "run", "edit", "manage"] as const;
export type Level = (typeof LEVELS)[number];

export const LEVEL_LABELS: Record<Level, string> = {
  view: "Can view",
  run: "Can run",
  edit: "Can edit",
  manage: "Can manage",
};

export type ObjectKind = "query" | "notebook";
export type PrincipalKind = "user" | "group";

export function atLeast(level: Level | null, needed: Level): boolean {
  return level !== null && LEVELS.indexOf(level) >= LEVELS.indexOf(needed);
}

export function highest(levels: Iterable<Level>): Level | null {
  let best: Level | null = null;
  for (const level of levels) if (!atLeast(best, level)) best = level;
  return best;
}

/** Who has access to an object, as the share dialog shows it. */
export interface Grant {
  principalKind: PrincipalKind;
  principalId: string;
  name: string;
  /** Email of a user; member count of a group. */
  detail: string;
  level: Level;
}

/** A user or group the share dialog can offer. */
export interface Principal {
  kind: PrincipalKind;
  id: string;
  name: string;
  detail: string;
}
