import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestWarehouse, type TestWarehouse } from "./support/databricks-warehouse";
import { prepareTempDataDir } from "./support/env";

prepareTempDataDir();

/**
 * Members' own identities (OAuth user-to-machine): Lakebook's OAuth client
 * against the test workspace's authorization-code flow with PKCE, through a
 * browser's steps done by HTTP; the warehouse records whose token ran each
 * statement.
 */
const oauth = await import("@/lib/server/engines/databricks/workspace-oauth");
const { DatabricksEngine } = await import("@/lib/server/engines/databricks/engine");

let warehouse: TestWarehouse;
let app: Awaited<ReturnType<typeof appFor>>;
const REDIRECT = "http://127.0.0.1:3999/api/connections/oauth/callback";

async function appFor(w: TestWarehouse) {
  const agent = new https.Agent({ keepAlive: true });
  return {
    issuer: await oauth.workspaceOAuth("localhost", w.port, agent),
    clientId: w.oauth.members.clientId,
    redirectUri: REDIRECT,
    agent,
  };
}

beforeAll(async () => {
  warehouse = await startTestWarehouse({ certificateDir: ".lakebook-test-tls" });
  app = await appFor(warehouse);
});

afterAll(async () => {
  await warehouse?.close();
});

/** What a browser does: opens the sign-in page, signs in as `user`, and follows the redirect back (its query). */
async function signInAs(url: string, user: string, decision = "allow"): Promise<URLSearchParams> {
  const page = await request(url, "GET");
  expect(page.status).toBe(200);
  expect(page.body).toContain("Sign in to the test workspace");
  const form = new URLSearchParams(new URL(url).searchParams);
  form.set("user", user);
  form.set("decision", decision);
  const answer = await request(new URL("/oidc/v1/authorize", url).toString(), "POST", form.toString());
  expect(answer.status).toBe(302);
  const back = new URL(answer.location ?? "");
  expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
  return back.searchParams;
}

function request(url: string, method: string, body?: string) {
  return new Promise<{ status: number; body: string; location?: string }>((resolve, reject) => {
    const req = https.request(
      url,
      { method, headers: body ? { "Content-Type": "application/x-www-form-urlencoded" } : {} },
      (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, location: res.headers.location }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function whoRuns(accessToken: string): Promise<string | null> {
  const engine = new DatabricksEngine({
    host: "localhost",
    port: warehouse.port,
    httpPath: warehouse.path,
    auth: { type: "token", token: accessToken },
  });
  try {
    const session = await engine.openSession();
    const result = await session.execute("SELECT 'who' AS q", new AbortController().signal);
    if (result.kind === "rows") for await (const _ of result.batches);
    await session.close();
  } finally {
    await engine.close();
  }
  return warehouse.stats().statementCallers.at(-1)?.identity ?? null;
}

describe("members' own Databricks identity (OAuth user-to-machine)", () => {
  it("signs a member in with PKCE, runs as them, and renews with a rotating refresh token", async () => {
    const start = oauth.memberSignIn(app);
    const url = new URL(start.url);
    expect(url.pathname).toBe("/oidc/v1/authorize");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("scope")).toBe("all-apis offline_access");
    expect(url.searchParams.has("code_verifier")).toBe(false);

    const tokens = await oauth.memberCallback(app, await signInAs(start.url, "alice@example.com"), start);
    expect(await whoRuns(tokens.accessToken)).toBe("alice@example.com");

    // Two members, two identities.
    const other = oauth.memberSignIn(app);
    const bob = await oauth.memberCallback(app, await signInAs(other.url, "bob@example.com"), other);
    expect(await whoRuns(bob.accessToken)).toBe("bob@example.com");

    const renewed = await oauth.refreshMember(app, tokens.refreshToken);
    expect(renewed.refreshToken).not.toBe(tokens.refreshToken);
    expect(await whoRuns(renewed.accessToken)).toBe("alice@example.com");
    // The old refresh token was replaced: using it again asks the member to connect again.
    await expect(oauth.refreshMember(app, tokens.refreshToken)).rejects.toThrow(/Connect with Databricks again/);
  });

  it("refuses a forged state, a wrong verifier, a denied sign-in and a revoked member", async () => {
    const start = oauth.memberSignIn(app);
    const query = await signInAs(start.url, "mallory@example.com");
    await expect(
      oauth.memberCallback(app, query, { state: "forged", codeVerifier: start.codeVerifier }),
    ).rejects.toThrow(/could not be completed: .*\(state mismatch\)/);
    // Each refusal is named for "Connect with Databricks" to word it (never with the workspace's words).
    await expect(
      oauth.memberCallback(app, query, { state: "forged", codeVerifier: start.codeVerifier }),
    ).rejects.toMatchObject({ details: { oauth: "state" } });

    const second = oauth.memberSignIn(app);
    const code = await signInAs(second.url, "mallory@example.com");
    await expect(
      oauth.memberCallback(app, code, { state: second.state, codeVerifier: oauth.memberSignIn(app).codeVerifier }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/invalid_grant/), details: { oauth: "refused" } });
    // A code is good once: the real verifier after a failed exchange is refused too.
    await expect(oauth.memberCallback(app, code, second)).rejects.toThrow(/invalid_grant/);

    const denied = oauth.memberSignIn(app);
    await expect(
      oauth.memberCallback(app, await signInAs(denied.url, "carol@example.com", "deny"), denied),
    ).rejects.toMatchObject({ message: expect.stringMatching(/cancelled or denied/), details: { oauth: "denied" } });

    const third = oauth.memberSignIn(app);
    const carol = await oauth.memberCallback(app, await signInAs(third.url, "carol@example.com"), third);
    warehouse.oauth.members.revoke("carol@example.com");
    await expect(oauth.refreshMember(app, carol.refreshToken)).rejects.toThrow(/Connect with Databricks again/);
  });
});
