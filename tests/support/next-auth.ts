import { createRequire } from "node:module";
import path from "node:path";
import type { AuthOptions } from "next-auth";

interface Cookie {
  name: string;
  value: string;
  options?: { maxAge?: number; expires?: Date; secure?: boolean };
}
type Handler = (params: { req: Record<string, unknown>; options: AuthOptions }) => Promise<{
  status?: number;
  body?: unknown;
  redirect?: string;
  cookies?: Cookie[];
}>;

// next-auth's package exports do not list its core; it is loaded by its path.
const { AuthHandler } = createRequire(import.meta.url)(path.resolve("node_modules/next-auth/core/index.js")) as {
  AuthHandler: Handler;
};

/**
 * Drives next-auth's own request handler (the core that the app's
 * /api/auth route calls), as a browser would: fetch a CSRF token, post the
 * sign-in form, refresh the session. Only Next.js's thin adaptor is left out.
 */
export class AuthClient {
  readonly cookies = new Map<string, string>();
  /** Whether each cookie was set with the Secure attribute. */
  readonly secureFlags = new Map<string, boolean>();

  constructor(
    private readonly options: AuthOptions,
    /** The client's connection address, as the server's hook would set it. */
    private readonly address = "192.0.2.10",
  ) {}

  private async call(req: {
    action: "csrf" | "callback" | "session" | "signout";
    method: "GET" | "POST";
    providerId?: string;
    body?: Record<string, unknown>;
  }) {
    const response = await AuthHandler({
      req: {
        ...req,
        cookies: Object.fromEntries(this.cookies),
        headers: { "x-lakebook-client-address": this.address, host: "127.0.0.1" },
        query: {},
      },
      options: this.options,
    });
    for (const cookie of response.cookies ?? []) {
      const expired = cookie.options?.maxAge === 0 || cookie.value === "";
      if (expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
      this.secureFlags.set(cookie.name, cookie.options?.secure === true);
    }
    return response;
  }

  /** Signs in with email and password; the `error` code next-auth reports, or null when signed in. */
  async signIn(email: string, password: string): Promise<string | null> {
    const csrf = await this.call({ action: "csrf", method: "GET" });
    const csrfToken = (csrf.body as { csrfToken: string }).csrfToken;
    const response = await this.call({
      action: "callback",
      method: "POST",
      providerId: "credentials",
      body: { email, password, csrfToken, json: "true" },
    });
    const redirect = new URL(response.redirect ?? "http://x/");
    return redirect.searchParams.get("error");
  }

  /** GET /api/auth/session: next-auth re-issues the cookie (with a later expiry) or clears it. */
  async refresh(): Promise<Record<string, unknown>> {
    return (await this.call({ action: "session", method: "GET" })).body as Record<string, unknown>;
  }

  /** Signs out as the Sign out button does (POST /api/auth/signout with the CSRF token). */
  async signOut(): Promise<void> {
    const csrf = await this.call({ action: "csrf", method: "GET" });
    const csrfToken = (csrf.body as { csrfToken: string }).csrfToken;
    await this.call({ action: "signout", method: "POST", body: { csrfToken, json: "true" } });
  }

  get sessionCookie(): string | undefined {
    return this.cookies.get("next-auth.session-token");
  }
}
