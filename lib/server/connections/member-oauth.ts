import "server-only";
import type https from "node:https";
import type { Client, Issuer } from "openid-client";
import { openWithKeyring } from "../crypto/keyring";
import { memberTokenContext } from "../crypto/reseal";
import { open, seal } from "../crypto/seal";
import type { Connection } from "../db/schema";
import { guardedAgent } from "../engines/databricks/guarded-connection";
import { type WorkspaceApp, workspaceOAuth } from "../engines/databricks/workspace-oauth";
import { checkTarget, warehousePolicy } from "../network/warehouse-policy";
import { runtime } from "../runtime";
import { openSecret } from "./secret";

/** Where the workspace sends a member back after signing in; the admin registers `<public origin>` + this with the app. */
export const CALLBACK_PATH = "/api/connections/oauth/callback";

// The workspace's OAuth server, found once per connection version (discovery is a request to the workspace),
// with the one guarded agent its requests go through (kept-alive sockets are reused, not left behind per request).
type Workspace = { issuer: Promise<Issuer<Client>>; agent: https.Agent };
const holder = globalThis as { __lakebookWorkspaceIssuers?: Map<string, Workspace> };
holder.__lakebookWorkspaceIssuers ??= new Map();
const issuers = holder.__lakebookWorkspaceIssuers;

/**
 * The workspace OAuth app of a user-to-machine connection, with requests
 * through the warehouse policy's guarded agent; `redirectUri` is Lakebook's
 * callback (only the sign-in and its callback send it).
 */
export async function workspaceApp(row: Connection, redirectUri: string): Promise<WorkspaceApp> {
  // The policy is checked on every use (it may have been narrowed since); the agent checks every address.
  const policy = warehousePolicy();
  const host = checkTarget(policy, row.host, Number(row.port));
  const key = `${row.id}/${row.updatedAt.getTime()}`;
  let workspace = issuers.get(key);
  if (!workspace) {
    forgetWorkspace(row.id);
    const agent = guardedAgent(policy);
    workspace = { issuer: workspaceOAuth(host, Number(row.port), agent), agent };
    issuers.set(key, workspace);
    workspace.issuer.catch(() => {
      issuers.delete(key);
      agent.destroy();
    });
  }
  const { agent } = workspace;
  const clientSecret = await openSecret(row);
  return {
    issuer: await workspace.issuer,
    clientId: row.clientId ?? "",
    ...(clientSecret ? { clientSecret } : {}),
    redirectUri,
    agent,
  };
}

/** Forgets a connection's OAuth server and closes its agent (the connection was deleted or changed). */
export function forgetWorkspace(connectionId: string): void {
  for (const [key, gone] of issuers)
    if (key.startsWith(`${connectionId}/`)) {
      issuers.delete(key);
      gone.agent.destroy();
    }
}

/** Seals a member's refresh token for their row. */
export async function sealRefreshToken(connectionId: string, userId: string, refreshToken: string): Promise<string> {
  const { secretKey } = await runtime();
  return seal(secretKey, refreshToken, memberTokenContext(connectionId, userId));
}

/** Opens a member's refresh token; throws if the value was sealed for another row (or is not sealed at all). */
export async function openRefreshToken(connectionId: string, userId: string, sealed: string): Promise<string> {
  const { keys } = await runtime();
  return openWithKeyring(keys, sealed, memberTokenContext(connectionId, userId)).plaintext;
}

/**
 * The workspace user an access token names, from its `sub` claim: shown to
 * people ("Ran as …"), never trusted for anything (the token is not verified here).
 */
export function workspaceUserOf(accessToken: string): string {
  const payload = accessToken.split(".")[1];
  try {
    const sub = payload
      ? (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { sub?: unknown }).sub
      : null;
    if (typeof sub === "string" && sub.trim()) return sub.trim().slice(0, 200);
  } catch {
    // Not a JWT: the workspace's tokens are, but nothing depends on it.
  }
  return "(unknown workspace user)";
}

/** What the sign-in cookie carries between the start and the callback, sealed so the browser can neither read nor change it. */
export interface SignInState {
  connectionId: string;
  userId: string;
  state: string;
  codeVerifier: string;
  next: string;
  /** Milliseconds since the epoch. */
  expires: number;
}

const COOKIE_CONTEXT = "databricks-sign-in";

export async function sealSignIn(value: SignInState): Promise<string> {
  return seal((await runtime()).secretKey, JSON.stringify(value), COOKIE_CONTEXT);
}

/** The sign-in the cookie holds, or null when it is missing, forged, sealed under another key or expired. */
export async function openSignIn(cookie: string | undefined): Promise<SignInState | null> {
  if (!cookie) return null;
  try {
    const value = JSON.parse(open((await runtime()).secretKey, cookie, COOKIE_CONTEXT)) as SignInState;
    return typeof value.expires === "number" && value.expires > Date.now() ? value : null;
  } catch {
    return null;
  }
}
