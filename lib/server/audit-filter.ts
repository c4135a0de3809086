import "server-only";
import type { AuditQuery } from "@/lib/schemas/tokens";
import type { AuditFilter } from "./audit";

/** The audit log's filters from the page's (or the CSV export's) query string. */
export function auditFilterOf(query: AuditQuery): AuditFilter {
  const day = (text: string | undefined, plus = 0) =>
    text ? new Date(Date.parse(`${text}T00:00:00Z`) + plus * 86_400_000) : null;
  return {
    userId: query.user || null,
    via: query.via || null,
    failures: query.failures === "1",
    action: query.action?.trim() || null,
    from: day(query.from),
    // "To" is the whole day.
    to: day(query.to, 1),
  };
}
