import type { ChartSpec } from "@/lib/notebooks/types";
import type { RunView } from "@/lib/results/types";
import type { Level } from "@/lib/sharing";
import type { ParameterSpec } from "@/lib/sql/parameters";

/** A saved query as a list shows it. */
export interface QueryListItem {
  id: string;
  title: string;
  description: string;
  connectionId: string;
  ownerName: string;
  isOwner: boolean;
  level: Level;
  version: number;
  updatedAt: string;
}

/** A saved query as its page and editor tab see it. */
export interface QueryView extends QueryListItem {
  sql: string;
  /** The widgets of its `:name` parameters, with their default values. */
  parameters: ParameterSpec[];
  /** The chart shown under its result, if it has one. */
  chart: ChartSpec | null;
  /** The latest run of its saved SQL, by anyone with access, if its result is still stored. */
  lastRun: (RunView & { ranBy: string }) | null;
}

export interface QueryVersionView {
  version: number;
  title: string;
  savedAt: string;
  savedByName: string | null;
}

/** What a save over a newer version gets back instead of saving. */
export interface SaveConflict {
  conflict: true;
  theirs: {
    version: number;
    title: string;
    description: string;
    sql: string;
    chart: ChartSpec | null;
    updatedByName: string;
    updatedAt: string;
  };
}
