export const PAGE_SIZES = [50, 100, 500, 1000] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
export const DEFAULT_PAGE_SIZE: PageSize = 100;

export function isPageSize(n: number): n is PageSize {
  return (PAGE_SIZES as readonly number[]).includes(n);
}

/** Number of pages for `rowCount` rows; an empty result still has one (empty) page. */
export function pageCount(rowCount: number, pageSize: number): number {
  return Math.max(1, Math.ceil(rowCount / pageSize));
}

/** Clamps a 0-based page index into the valid range. */
export function clampPage(page: number, rowCount: number, pageSize: number): number {
  // NaN means "no page"; ±Infinity (e.g. a 400-digit page number) clamps to an end.
  if (Number.isNaN(page)) return 0;
  return Math.min(Math.max(0, Math.trunc(page)), pageCount(rowCount, pageSize) - 1);
}

/** Row window of a 0-based page. */
export function pageWindow(page: number, pageSize: number): { offset: number; limit: number } {
  return { offset: page * pageSize, limit: pageSize };
}

/** "1–100 of 5,000,000" style label for the rows a page shows. */
export function rowRangeLabel(page: number, pageSize: number, rowCount: number): string {
  if (rowCount === 0) return "0 rows";
  const first = page * pageSize + 1;
  const last = Math.min(rowCount, first + pageSize - 1);
  const fmt = (n: number) => n.toLocaleString("en-US");
  return `${fmt(first)}–${fmt(last)} of ${fmt(rowCount)}`;
}

/**
 * Parses what a user typed into "go to page" (1-based) into a 0-based index,
 * or null when it is not a page number at all.
 */
export function parsePageInput(input: string, rowCount: number, pageSize: number): number | null {
  const text = input.trim().replaceAll(",", "");
  if (!/^\d+$/.test(text)) return null;
  return clampPage(Number(text) - 1, rowCount, pageSize);
}
