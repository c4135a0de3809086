/** Personal API tokens as the browser sees them (never the token itself, after it is first shown). */

export const TOKEN_SCOPES = ["read", "run", "sql"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const SCOPE_LABELS: Record<TokenScope, string> = {
  read: "Read results of queries you can view",
  run: "Run saved queries you can run",
  sql: "Run any SQL on connections you can use",
};

/** Every token starts with this, so that it is recognised wherever it leaks (logs, URLs, chat). */
export const TOKEN_PREFIX = "lkb_";
export const DEFAULT_TOKEN_DAYS = 90;
export const MAX_TOKEN_DAYS = 365;
export const MAX_TOKEN_NAME = 100;
/** Live tokens one member may hold at once. */
export const MAX_LIVE_TOKENS = 50;

export interface TokenView {
  id: string;
  name: string;
  /** The first characters of the token (`lkb_AbCd…`), to tell tokens apart. */
  prefix: string;
  scopes: TokenScope[];
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  state: "active" | "expired" | "revoked";
  /** Whose token it is (an admin's list shows everyone's). */
  ownerName: string;
  ownerEmail: string;
}

/** What creating a token answers: its view, and the token itself, shown this once. */
export interface CreatedToken {
  token: string;
  view: TokenView;
}
