import { PAGE_SIZES } from "@/lib/results/paging";
import { LEVELS } from "@/lib/sharing";
import { MAX_DRAFT_CHARS } from "@/lib/tabs";
import { z } from "@/lib/zod";

/** Input of the server actions, shared by the forms that call them. */

const runId = z.string().max(64);
const pageSize = z.number().refine((n) => (PAGE_SIZES as readonly number[]).includes(n), "Unsupported page size.");
// The byte limit on SQL is checked (with a clear message) by the run itself;
// this only stops absurd payloads early.
const sql = z.string().max(16 * 1024 * 1024, "The statement is far too large to run.");

const id = z.string().max(64);

export const startRunInput = z.object({
  sql,
  connectionId: z.string().max(64),
  /** The editor tab that runs: one run at a time per tab, and the tab remembers it. */
  lane: z.string().regex(/^[\w-]{1,64}$/),
  pageSize,
  /** The saved query the tab edits, if any. */
  queryId: id.min(1).nullish(),
});

export const runStateInput = z.object({
  runId,
  knownRows: z.number().int().min(-1),
  waitMs: z.number().int().min(0).max(1_000),
});

export const runIdInput = z.object({ runId });

export const pageInput = z.object({
  runId,
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  limit: pageSize,
  sort: z.object({ column: z.number().int().min(0), direction: z.enum(["asc", "desc"]) }).nullable(),
});

export const cellInput = z.object({
  runId,
  rowId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  column: z.number().int().min(0),
});

const name = z.string().min(1).max(255);
const connectionId = z.string().max(64);
export const catalogsInput = z.object({ connectionId });
export const schemasInput = z.object({ connectionId, catalog: name });
export const tablesInput = z.object({ connectionId, catalog: name, schema: name });
export const columnsInput = z.object({ connectionId, catalog: name, schema: name, table: name });
export const searchTablesInput = z.object({ connectionId, text: z.string().trim().min(1).max(255) });

export const passwordSchema = z.string().min(12, "Use at least 12 characters.").max(1024, "That password is too long.");

export const accountInput = z.object({
  name: z.string().trim().min(1, "Enter your name.").max(200),
  email: z.string().trim().email("Enter a valid email address.").max(320),
  password: passwordSchema,
});

const role = z.enum(["admin", "member"]);
export const inviteInput = z.object({ email: z.string().trim().email("Enter a valid email address.").max(320), role });
export const memberChangeInput = z.object({
  userId: z.string().max(64),
  role: role.optional(),
  disabled: z.boolean().optional(),
});
export const joinInput = z.object({
  token: z.string().max(128),
  name: z.string().trim().min(1, "Enter your name.").max(200),
  password: passwordSchema,
});
/** An open invitation to withdraw, named by the hash of its token (the token itself is never stored). */
export const revokeInvitationInput = z.object({ id: z.string().regex(/^[0-9a-f]{64}$/, "Not an invitation.") });
/** The member's current password, confirming that they link single sign-on to their account. */
export const ssoLinkInput = z.object({
  password: z.string().min(1, "Enter your password.").max(1024, "That password is too long."),
});

/** Sign-in and sessions: a member's own password, and an admin's reset link for a member. */
export const changePasswordInput = z.object({
  current: z.string().min(1, "Enter your current password.").max(1024, "That password is too long."),
  next: passwordSchema,
});
export const noInput = z.object({});
export const memberIdInput = z.object({ userId: z.string().max(64) });
export const resetPasswordInput = z.object({ token: z.string().max(128), password: passwordSchema });

/** The host of a pasted URL or host name: no scheme, no path. */
function hostOfUrl(text: string): string {
  const bare = text.replace(/^https?:\/\//i, "");
  const slash = bare.indexOf("/");
  return slash < 0 ? bare : bare.slice(0, slash);
}

/** A Databricks SQL warehouse connection as the form submits it. Blank secret = keep the stored one. */
export const connectionInput = z
  .object({
    id: z.string().max(64).optional(),
    name: z.string().trim().min(1, "Give the connection a name.").max(100),
    host: z
      .string()
      .trim()
      .max(2000, "Enter the server hostname, e.g. adb-1234.5.azuredatabricks.net.")
      .transform(hostOfUrl)
      .pipe(z.string().regex(/^[A-Za-z0-9.-]+$/, "Enter the server hostname, e.g. adb-1234.5.azuredatabricks.net.")),
    port: z.coerce.number().int().min(1).max(65535).default(443),
    httpPath: z
      .string()
      .trim()
      .regex(/^\/[\w./-]+$/, "Enter the HTTP path, e.g. /sql/1.0/warehouses/abc123."),
    authType: z.enum(["token", "oauth-m2m"]),
    clientId: z.string().trim().max(200).optional(),
    secret: z.string().max(4096).optional(),
    defaultCatalog: z.string().trim().max(255).optional(),
    defaultSchema: z.string().trim().max(255).optional(),
    scope: z.enum(["shared", "personal"]),
  })
  .refine((c) => c.authType !== "oauth-m2m" || Boolean(c.clientId), {
    message: "OAuth machine-to-machine needs the service principal's client id.",
    path: ["clientId"],
  });

export const connectionIdInput = z.object({ connectionId: z.string().max(64) });

/** Saved queries, editor tabs and sharing. */
export const queryFieldsInput = z.object({
  title: z.string().trim().min(1, "Give the query a title.").max(200, "Keep the title under 200 characters."),
  description: z.string().trim().max(4000, "Keep the description under 4,000 characters.").default(""),
  sql: z.string().max(MAX_DRAFT_CHARS, "The SQL is too large to save."),
  connectionId: id,
});
export const createQueryInput = queryFieldsInput.extend({ tabId: id.optional() });
export const saveQueryInput = queryFieldsInput.extend({
  id,
  baseVersion: z.number().int().min(1),
  tabId: id.optional(),
});
export const queryIdInput = z.object({ queryId: id });
export const queryVersionInput = z.object({ queryId: id, version: z.number().int().min(1) });
export const listQueriesInput = z.object({
  scope: z.enum(["mine", "shared", "all"]),
  search: z.string().max(200).default(""),
  offset: z.number().int().min(0).max(1_000_000).default(0),
});

export const tabIdInput = z.object({ tabId: id });
export const draftInput = z.object({
  tabId: id,
  sql: z.string().max(MAX_DRAFT_CHARS, "This draft is too large to keep on the server."),
  connectionId: id,
  revision: z.number().int().min(1),
});
export const openTabInput = z.union([
  z.object({ queryId: id }),
  z.object({ title: z.string().trim().min(1).max(200), sql: z.string().max(MAX_DRAFT_CHARS), connectionId: id }),
]);
export const linkTabInput = z.object({ tabId: id, queryId: id, version: z.number().int().min(1) });

const principal = z.object({ kind: z.enum(["user", "group"]), id });
const objectRef = { kind: z.enum(["query", "notebook"]), id };
export const grantsInput = z.object(objectRef);
export const shareInput = z.object({ ...objectRef, principal, level: z.enum(LEVELS) });
export const unshareInput = z.object({ ...objectRef, principal });
export const principalsInput = z.object({ search: z.string().max(200) });
