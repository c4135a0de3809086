"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { useAction } from "@/components/ui/use-action";
import type { ActionResult } from "@/lib/action-result";
import { cancelRunAction, startRunAction } from "@/lib/actions/runs";
import { isFiltered, NO_FILTER, type ResultFilter } from "@/lib/results/filters";
import { DEFAULT_PAGE_SIZE, type PageSize, pageWindow } from "@/lib/results/paging";
import { hasNews, pollDelay, QUICK_ANSWER_MS } from "@/lib/results/poll";
import { prefetchPage, readFilteredRows, readPage, readRunState } from "@/lib/results/reads";
import type { Page, RunView, SortSpec } from "@/lib/results/types";
import type { ParameterSpec } from "@/lib/sql/parameters";

export interface RunnerState {
  run: RunView | null;
  page: Page | null;
  pageIndex: number;
  pageSize: PageSize;
  sort: SortSpec | null;
  /** Only the rows this filter keeps (NO_FILTER: all of them). */
  filter: ResultFilter;
  /** How many rows the filter keeps; null while they are counted, or when nothing is filtered. */
  filteredRows: number | null;
  /** A failure to reach or use the server (not a SQL error, which is on `run`). */
  problem: string | null;
  /** The connection the problem asks the member to connect with Databricks first (their own sign-in), if it does. */
  connectFirst: string | null;
  starting: boolean;
  loadingPage: boolean;
  /** When this browser asked for the run (for a ticking elapsed time). */
  startedAt: number | null;
}

const INITIAL: RunnerState = {
  run: null,
  page: null,
  pageIndex: 0,
  pageSize: DEFAULT_PAGE_SIZE,
  sort: null,
  filter: NO_FILTER,
  filteredRows: null,
  problem: null,
  connectFirst: null,
  starting: false,
  loadingPage: false,
  startedAt: null,
};

/**
 * One editor's run: starts it, follows it with long polls until it ends, and
 * fetches pages (and sorted pages) of the stored result by run id.
 */
export function useRun(lane: string) {
  const [state, setState] = useState<RunnerState>(INITIAL);
  const stateRef = useRef(state);
  stateRef.current = state;
  // Pages, and an earlier run shown again, answer in any order: only the latest asked for is shown.
  // (The problem is kept in `state`, with the run's own; the caller's `error` is not used.)
  const { run: latest, forget: supersede } = useAction();

  const loadPage = useCallback(
    async (runId: string, pageIndex: number, pageSize: PageSize, sort: SortSpec | null, filter: ResultFilter) => {
      const changed = stateRef.current.filter !== filter || stateRef.current.sort !== sort;
      setState((s) => ({
        ...s,
        pageIndex,
        pageSize,
        sort,
        filter,
        filteredRows: changed ? null : s.filteredRows,
        loadingPage: true,
      }));
      const { offset, limit } = pageWindow(pageIndex, pageSize);
      const result = await latest(() => readPage(runId, offset, limit, sort, filter));
      if (!result) return;
      setState((s) =>
        result.ok
          ? {
              ...s,
              page: result.data,
              loadingPage: false,
              problem: null,
              filteredRows: result.data.total ?? s.filteredRows,
            }
          : { ...s, loadingPage: false, problem: result.error },
      );
      // The first filtered page comes before its rows are counted: the count follows.
      if (result.ok && result.data.total === null && isFiltered(filter)) {
        const counted = await readFilteredRows(runId, filter, sort);
        setState((s) => {
          if (s.run?.id !== runId || s.filter !== filter || s.sort !== sort) return s;
          return counted.ok ? { ...s, filteredRows: counted.data } : { ...s, problem: counted.error };
        });
      }
    },
    [latest],
  );

  // Once a run has ended, the pages on either side of the one shown are fetched
  // ahead: the browser keeps them (they never change), so the next click is instant.
  const { run, page, pageSize, sort, filter, filteredRows } = state;
  const runId = run?.id;
  const filtered = isFiltered(filter);
  // A filtered view's pages are fetched ahead once its rows are counted (its index is built).
  const rowCount = filtered ? filteredRows : (run?.rowCount ?? 0);
  const offset = page?.offset ?? null;
  const ended = run !== null && run.status !== "running" && run.resultRemoved === null;
  useEffect(() => {
    if (!ended || !runId || offset === null || rowCount === null) return;
    if (offset + pageSize < rowCount) prefetchPage(runId, offset + pageSize, pageSize, sort, filter);
    if (offset > 0) prefetchPage(runId, Math.max(0, offset - pageSize), pageSize, sort, filter);
  }, [ended, runId, rowCount, offset, pageSize, sort, filter]);

  /** Follows a run until it ends; resolves with its last state (null if another run took its place). */
  const follow = useCallback(
    async (initial: RunView): Promise<RunView | null> => {
      let view = initial;
      // Answers in a row that came at once with no news: the server is not holding the poll.
      let quick = 0;
      while (view.status === "running") {
        const asked = performance.now();
        const result = await readRunState(view.id, view.rowCount, 1000);
        if (stateRef.current.run?.id !== view.id) return null;
        if (!result.ok) {
          setState((s) => ({ ...s, problem: result.error }));
          await sleep(1000);
          continue;
        }
        const previous = view;
        view = result.data;
        setState((s) => ({ ...s, run: result.data }));
        const { page, pageIndex, pageSize, sort, filter } = stateRef.current;
        const shown = page?.rows.length ?? 0;
        // Refresh the visible page while it is still filling up.
        if (view.rowCount !== previous.rowCount && shown < pageSize && view.rowCount > pageIndex * pageSize + shown) {
          void loadPage(view.id, pageIndex, pageSize, sort, filter);
        }
        quick = hasNews(previous, view) || performance.now() - asked >= QUICK_ANSWER_MS ? 0 : quick + 1;
        if (view.status === "running" && pollDelay(quick) > 0) await sleep(pollDelay(quick));
      }
      return view;
    },
    [loadPage],
  );

  /**
   * Starts a run through `call` (a server action answering with the run and its
   * first page) and follows it; resolves once it has ended, with its last state,
   * or null if it could not start.
   */
  const launch = useCallback(
    async (
      call: (pageSize: PageSize) => Promise<ActionResult<{ run: RunView; page: Page | null }>>,
      connectionId?: string,
    ) => {
      if (stateRef.current.starting || stateRef.current.run?.status === "running") return null;
      supersede();
      setState((s) => ({ ...s, starting: true, problem: null, connectFirst: null, startedAt: Date.now() }));
      const result = await call(stateRef.current.pageSize);
      if (!result.ok) {
        const connectFirst = result.code === "databricks-sign-in" ? (connectionId ?? null) : null;
        setState((s) => ({ ...s, starting: false, problem: result.error, connectFirst }));
        return null;
      }
      const { run, page } = result.data;
      setState((s) => ({
        ...s,
        starting: false,
        run,
        page,
        pageIndex: 0,
        sort: null,
        filter: NO_FILTER,
        filteredRows: null,
      }));
      return follow(run);
    },
    [follow, supersede],
  );

  const start = useCallback(
    (sql: string, connectionId: string, queryId: string | null = null, parameters?: ParameterSpec[]) =>
      launch((pageSize) => startRunAction({ sql, connectionId, lane, pageSize, queryId, parameters }), connectionId),
    [lane, launch],
  );

  const cancel = useCallback(async () => {
    const run = stateRef.current.run;
    if (run?.status !== "running") return;
    const result = await cancelRunAction({ runId: run.id });
    setState((s) => (result.ok ? { ...s, run: result.data } : { ...s, problem: result.error }));
  }, []);

  const goTo = useCallback(
    (
      pageIndex: number,
      pageSize: PageSize = stateRef.current.pageSize,
      sort = stateRef.current.sort,
      filter = stateRef.current.filter,
    ) => {
      const run = stateRef.current.run;
      if (run) void loadPage(run.id, pageIndex, pageSize, sort, filter);
    },
    [loadPage],
  );

  /** Shows a run the page already knows (a notebook cell's last result), following it if it still runs. */
  const show = useCallback(
    (run: RunView) => {
      const startedAt = Date.parse(run.startedAt);
      setState((s) => ({
        ...s,
        run,
        page: null,
        pageIndex: 0,
        sort: null,
        filter: NO_FILTER,
        filteredRows: null,
        problem: null,
        startedAt,
      }));
      if (run.status === "running") void follow(run);
      if (run.columns.length > 0 && run.rowCount > 0 && run.resultRemoved === null) {
        void loadPage(run.id, 0, stateRef.current.pageSize, null, NO_FILTER);
      }
    },
    [follow, loadPage],
  );

  /** Shows an earlier run again (a tab's last run, a saved query's last result), following it if it still runs. */
  const restore = useCallback(
    async (runId: string) => {
      const result = await latest(() => readRunState(runId, -1, 0));
      // A run started (or a page asked for) while this answer was on its way wins over the earlier run.
      if (!result || stateRef.current.starting) return;
      if (result.ok) show(result.data);
      else setState((s) => ({ ...s, problem: result.error }));
    },
    [show, latest],
  );

  return { state, start, launch, cancel, goTo, restore, show };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Milliseconds since `since` (a client timestamp), ticking while `active`. */
export function useElapsed(since: number | null, active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(timer);
  }, [active]);
  return since === null ? 0 : Math.max(0, now - since);
}
