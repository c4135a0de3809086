import type { ChartSpec } from "@/lib/notebooks/types";
import type { Place } from "@/lib/results/types";
import type { Level } from "@/lib/sharing";
import type { ParameterSpec } from "@/lib/sql/parameters";

/** An editor tab as the browser sees it. `sql` is the draft; `revision` orders draft saves. */
/** The catalog and schema a tab's runs start in, on the connection whose they are. */
export interface TabPlace extends Place {
  connectionId: string;
}

export interface EditorTabView {
  id: string;
  /** Where its next run starts, when an earlier run moved it (USE); null: the connection's default. */
  place: TabPlace | null;
  title: string;
  sql: string;
  /** The draft's parameter widgets and their current values. */
  parameters: ParameterSpec[];
  /** The draft's chart of its result (saved with the query), if it has one. */
  chart: ChartSpec | null;
  connectionId: string;
  revision: number;
  lastRunId: string | null;
  /** Set when the tab edits a saved query. */
  query: {
    id: string;
    /** The version the draft started from, and its SQL and title: "unsaved changes" compares with them. */
    baseVersion: number;
    savedSql: string;
    /** The saved version's parameter widgets: "unsaved changes" compares with them too. */
    savedParameters: ParameterSpec[];
    /** The saved version's chart: "unsaved changes" compares with it too. */
    savedChart: ChartSpec | null;
    savedTitle: string;
    savedConnectionId: string;
    description: string;
    level: Level;
    isOwner: boolean;
    ownerName: string;
    /** The latest run of the saved SQL, shown until the tab has a run of its own. */
    lastRunId: string | null;
    lastRunBy: string | null;
  } | null;
}

/** Tabs a user may have open at once. */
export const MAX_TABS = 30;

/** Drafts larger than this are kept in the browser only. */
export const MAX_DRAFT_CHARS = 2 * 1024 * 1024;
