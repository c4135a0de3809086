import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/Alert";
import { auditQuery } from "@/lib/schemas/tokens";
import { auditLog } from "@/lib/server/audit";
import { auditFilterOf } from "@/lib/server/audit-filter";
import { pageUser } from "@/lib/server/auth/session";
import { listUsers } from "@/lib/server/db/queries/users";
import { runtime } from "@/lib/server/runtime";

export const dynamic = "force-dynamic";

const PAGE = 100;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** What was taken out of the server, by whom: API calls and browser downloads, newest first. */
export default async function AuditPage({ searchParams }: Props) {
  const user = await pageUser();
  if (user.role !== "admin") notFound();
  const raw = Object.fromEntries(
    Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
  ) as Record<string, string | undefined>;
  const parsed = auditQuery.safeParse(raw);
  const query = parsed.success ? parsed.data : {};
  const { db } = await runtime();
  const [page, members] = await Promise.all([
    auditLog(user, auditFilterOf(query), { before: query.before ? Number(query.before) : null, limit: PAGE }),
    listUsers(db),
  ]);
  const keep = new URLSearchParams(
    Object.entries(query).filter(([k, v]) => k !== "before" && typeof v === "string" && v !== "") as [string, string][],
  );
  const names = new Map(members.map((m) => [m.id, m.email]));
  const older = page.next ? `?${new URLSearchParams([...keep, ["before", String(page.next)]])}` : null;
  return (
    <main className="page">
      <h1>Audit log</h1>
      <p className="muted">
        Every call of the API and every download in the browser: who, with which token, what, how many rows and bytes
        went out, and the answer.
      </p>
      <form className="audit-filters" method="get" aria-label="Filter the audit log">
        <label>
          Member
          <select name="user" defaultValue={query.user ?? ""}>
            <option value="">Anyone</option>
            {members.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} ({m.email})
              </option>
            ))}
          </select>
        </label>
        <label>
          Through
          <select name="via" defaultValue={query.via ?? ""}>
            <option value="">API and browser</option>
            <option value="api">API</option>
            <option value="browser">Browser</option>
          </select>
        </label>
        <label>
          Action starts with
          <input name="action" defaultValue={query.action ?? ""} placeholder="GET /api/v1/queries" maxLength={200} />
        </label>
        <label>
          From
          <input type="date" name="from" defaultValue={query.from ?? ""} />
        </label>
        <label>
          To
          <input type="date" name="to" defaultValue={query.to ?? ""} />
        </label>
        <label className="check">
          <span>
            <input type="checkbox" name="failures" value="1" defaultChecked={query.failures === "1"} /> Only refusals
          </span>
        </label>
        <button type="submit">Filter</button>
        <a className="button" href={`/api/admin/audit?${keep}`} download>
          Export CSV
        </a>
      </form>
      {!parsed.success && <Alert>{parsed.error.issues[0]?.message ?? "A filter is not valid."}</Alert>}
      {page.events.length === 0 ? (
        <p className="muted">Nothing recorded{keep.size > 0 ? " that matches these filters" : " yet"}.</p>
      ) : (
        <table className="list audit-table" aria-label="Audit events">
          <thead>
            <tr>
              <th>When (UTC)</th>
              <th>Who</th>
              <th>Through</th>
              <th>Action</th>
              <th>Object</th>
              <th>Status</th>
              <th>Rows</th>
              <th>Bytes</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {page.events.map((e) => (
              <tr key={e.id}>
                <td>{e.at.replace("T", " ").slice(0, 19)}</td>
                <td>{(e.userId && names.get(e.userId)) ?? e.userEmail ?? e.userId ?? "—"}</td>
                <td>{e.via === "api" ? `API${e.tokenId ? ` (token ${e.tokenId.slice(0, 8)})` : ""}` : "browser"}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.objectType ? `${e.objectType} ${e.objectId ?? ""}` : "—"}</td>
                <td>{e.status}</td>
                <td>{e.rows?.toLocaleString("en-US") ?? ""}</td>
                <td>{e.bytes?.toLocaleString("en-US") ?? ""}</td>
                <td className="detail">{e.detail ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {older && (
        <p>
          <a href={older}>Older events</a>
        </p>
      )}
    </main>
  );
}
