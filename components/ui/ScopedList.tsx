import Link from "next/link";
import "./scoped-list.css";

export interface ListScope<S extends string> {
  scope: S;
  label: string;
  adminOnly?: boolean;
}

interface Where<S extends string> {
  /** The list page, e.g. `/queries`. */
  base: string;
  scope: S;
  search: string;
}

function listHref<S extends string>({ base, scope, search }: Where<S>, page = 0): string {
  const params = new URLSearchParams({ scope });
  if (search) params.set("q", search);
  if (page > 0) params.set("page", String(page));
  return `${base}?${params}`;
}

/** Which list (mine, shared with me, all) and a search, as links and a GET form so every view has a URL. */
export function ListScopes<S extends string>({
  scopes,
  isAdmin,
  label,
  searchLabel,
  placeholder,
  ...where
}: Where<S> & { scopes: ListScope<S>[]; isAdmin: boolean; label: string; searchLabel: string; placeholder: string }) {
  return (
    <>
      <nav className="scope-tabs" aria-label={label}>
        {scopes
          .filter((s) => !s.adminOnly || isAdmin)
          .map((s) => (
            <Link
              key={s.scope}
              href={listHref({ ...where, scope: s.scope })}
              aria-current={s.scope === where.scope ? "page" : undefined}
            >
              {s.label}
            </Link>
          ))}
      </nav>
      <form className="form list-search" action={where.base}>
        <input type="hidden" name="scope" value={where.scope} />
        <input name="q" defaultValue={where.search} aria-label={searchLabel} placeholder={placeholder} />
        <button type="submit">Search</button>
      </form>
    </>
  );
}

export function ListPager<S extends string>({ page, more, ...where }: Where<S> & { page: number; more: boolean }) {
  return (
    <div className="pager">
      {page > 0 && <Link href={listHref(where, page - 1)}>← Newer</Link>}
      {more && <Link href={listHref(where, page + 1)}>Older →</Link>}
    </div>
  );
}
