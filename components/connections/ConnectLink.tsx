"use client";

import { usePathname } from "next/navigation";

/**
 * "Connect with Databricks": a plain link to the sign-in route of a
 * user-to-machine connection, which comes back to this page. A link, not a
 * fetch: the browser itself goes to the workspace's sign-in page.
 */
export function ConnectLink({ connectionId, label }: { connectionId: string; label?: string }) {
  // The page's path (what the member was doing is kept in their tab, on the server).
  const next = usePathname() || "/";
  return (
    <a
      className="button primary"
      href={`/api/connections/${encodeURIComponent(connectionId)}/oauth/start?next=${encodeURIComponent(next)}`}
      aria-label={label}
    >
      Connect with Databricks
    </a>
  );
}
