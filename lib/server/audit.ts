import "server-only";
import { UserError } from "@/lib/action-result";
import { STATUS } from "./actions/route-error";
import { failure } from "./actions/safe-action";
import type { Caller } from "./auth/caller";
import { clientAddress } from "./auth/client-address";
import { config } from "./config";
import type { Db } from "./db/client";
import {
  type AuditFilter,
  deleteAuditEventsBefore,
  insertAuditEvent,
  listAuditEvents,
  type NewAuditEvent,
} from "./db/queries/audit";
import type { AuditEvent, User } from "./db/schema";
import { log } from "./log";
import { runtime } from "./runtime";

export type { AuditFilter };

const MAX_DETAIL = 500;
const MAX_ACTION = 200;
/** Old events are deleted at most this often (when an event is recorded). */
const PRUNE_INTERVAL_MS = 10 * 60_000;
let lastPrune = 0;

/**
 * Records what was taken out of the server (an API call, a download in the
 * browser). Never fails the caller: a store that cannot write is logged, and
 * the answer the member is waiting for still goes out.
 */
export async function recordAudit(event: NewAuditEvent): Promise<void> {
  try {
    const { db } = await runtime();
    await insertAuditEvent(db, {
      ...event,
      action: event.action.slice(0, MAX_ACTION),
      detail: event.detail ? event.detail.slice(0, MAX_DETAIL) : null,
    });
    if (Date.now() - lastPrune > PRUNE_INTERVAL_MS) {
      lastPrune = Date.now();
      await pruneAuditLog(db, new Date());
    }
  } catch (error) {
    log.error("could not record an audit event", { error, action: event.action, user: event.userId });
  }
}

/** Deletes the events older than LAKEBOOK_AUDIT_RETENTION_DAYS; returns how many. */
export async function pruneAuditLog(db: Db, now: Date): Promise<number> {
  const days = config().LAKEBOOK_AUDIT_RETENTION_DAYS;
  const deleted = await deleteAuditEventsBefore(db, new Date(now.getTime() - days * 86_400_000));
  if (deleted > 0) log.info("deleted audit events past their retention", { deleted, days });
  return deleted;
}

/**
 * A response body that records its audit event when it has been sent, or
 * when the client went away (with what was sent until then).
 */
export function auditedBody(
  body: ReadableStream<Uint8Array>,
  done: (sent: { bytes: number; complete: boolean }) => void,
): ReadableStream<Uint8Array> {
  let bytes = 0;
  let ended = false;
  const end = (complete: boolean) => {
    if (ended) return;
    ended = true;
    done({ bytes, complete });
  };
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done: finished } = await reader.read();
          if (finished) {
            end(true);
            controller.close();
            return;
          }
          bytes += value.byteLength;
          controller.enqueue(value);
        } catch (error) {
          end(false);
          controller.error(error);
        }
      },
      async cancel(reason) {
        end(false);
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

export interface AuditPage {
  events: AuditEventView[];
  /** Where the next page starts, or null at the end. */
  next: number | null;
}

export interface AuditEventView {
  id: number;
  at: string;
  userId: string | null;
  userEmail: string | null;
  tokenId: string | null;
  via: "api" | "browser";
  action: string;
  objectType: string | null;
  objectId: string | null;
  status: number;
  rows: number | null;
  bytes: number | null;
  detail: string | null;
  clientAddress: string | null;
}

export async function auditLog(
  actor: Caller,
  filter: AuditFilter,
  options: { before?: number | null; limit: number },
): Promise<AuditPage> {
  if (actor.role !== "admin") throw new UserError("Only an admin can read the audit log.", "forbidden");
  const { db } = await runtime();
  const rows = await listAuditEvents(db, filter, { ...options, limit: options.limit + 1 });
  const events = rows.slice(0, options.limit).map(auditView);
  return { events, next: rows.length > options.limit ? (events.at(-1)?.id ?? null) : null };
}

function auditView(row: AuditEvent): AuditEventView {
  return { ...row, at: row.at.toISOString(), via: row.via };
}

/**
 * A download in the browser, recorded when its body has been sent (or the
 * browser went away): who, what, how many rows, how many bytes.
 */
export function auditBrowserDownload(
  user: Pick<User, "id" | "email">,
  request: Request,
  what: { action: string; object: { type: "run" | "notebook"; id: string }; rows: number | null },
  body: ReadableStream<Uint8Array>,
): ReadableStream<Uint8Array> {
  return auditedBody(body, (sent) => {
    void recordAudit({
      via: "browser",
      userId: user.id,
      userEmail: user.email,
      action: what.action,
      objectType: what.object.type,
      objectId: what.object.id,
      status: 200,
      rows: what.rows,
      bytes: sent.bytes,
      detail: sent.complete ? null : "the browser went away before the whole file was sent",
      clientAddress: clientAddress(request.headers),
    });
  });
}

/** A download the browser asked for and was refused: recorded with its status and reason, and answered as `routeError` answers. */
export function auditRefusedDownload(
  user: Pick<User, "id" | "email"> | null,
  request: Request,
  what: { action: string; object: { type: "run" | "notebook"; id: string } },
  error: unknown,
): Response {
  const { error: reason, code } = failure(error);
  const status = STATUS[code];
  void recordAudit({
    via: "browser",
    userId: user?.id ?? null,
    userEmail: user?.email ?? null,
    action: what.action,
    objectType: what.object.type,
    objectId: what.object.id.slice(0, 64),
    status,
    detail: reason,
    clientAddress: clientAddress(request.headers),
  });
  return new Response(reason, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
