/** The list pages' URL (`?scope=&q=&page=`), read forgivingly: anything odd falls back to the first page of "mine". */
export function listParams(
  params: { scope?: string; q?: string; page?: string },
  isAdmin: boolean,
): { scope: "mine" | "shared" | "all"; search: string; page: number } {
  const scope = params.scope === "shared" || (params.scope === "all" && isAdmin) ? params.scope : "mine";
  const search = (params.q ?? "").slice(0, 200);
  const page = Math.max(0, Math.min(10_000, Number.parseInt(params.page ?? "0", 10) || 0));
  return { scope, search, page };
}
