// A real OpenID Connect issuer (the `oidc-provider` package) on 127.0.0.1 for
// the single sign-on tests. Its login page is plain HTML (the package's own
// development page loads a web font from the internet). A test signs in as
// anyone by typing an email, and may choose the other claims: the subject
// (`sub`, the email unless given), whether the email is verified, and the
// name. The claims of a subject are the ones of its latest login, so a test
// can change the email of an existing subject.
import http from "node:http";
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT ?? 3108);
const issuer = `http://127.0.0.1:${port}`;
/** Default names for the people the older tests sign in as. */
const names = {
  "erin@sso.example": "Erin Single-Sign-On",
  "frank@example.com": "Frank Single-Sign-On",
};
/** Claims by subject, set at each login. */
const accounts = new Map();

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID ?? "lakebook",
      client_secret: process.env.OIDC_CLIENT_SECRET ?? "lakebook-test-secret",
      redirect_uris: [process.env.OIDC_REDIRECT_URI ?? "http://127.0.0.1:3107/api/auth/callback/oidc"],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  // `iss` among the profile claims: a test can make userinfo carry a forged issuer claim.
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "iss"] },
  async findAccount(_ctx, id) {
    const claims = accounts.get(id);
    if (!claims) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ["lakebook-test-issuer-cookie-key"] },
});

function page(uid, error = "") {
  return `<!doctype html><html lang="en"><head><title>Test identity provider</title></head><body>
<h1>Test identity provider</h1>${error ? `<p role="alert">${error}</p>` : ""}
<form method="post" action="/interaction/${uid}/login">
<p><label>Work email <input name="email" type="text" required autofocus></label></p>
<p><label>Subject <input name="sub" type="text"></label> (empty: the email)</p>
<p><label>Name <input name="name" type="text"></label></p>
<p><label>Forged issuer claim <input name="forged_iss" type="text"></label> (sent in userinfo)</p>
<p><label><input name="email_verified" type="checkbox" value="true" checked> Email verified</label></p>
<button type="submit">Continue</button></form></body></html>`;
}

async function readForm(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

const callback = provider.callback();
const server = http.createServer(async (request, response) => {
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(request.url ?? "");
  if (!match) return callback(request, response);
  try {
    const details = await provider.interactionDetails(request, response);
    if (!match[2]) {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return response.end(page(details.uid));
    }
    const form = await readForm(request);
    const email = form.get("email") ?? "";
    if (!email) {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return response.end(page(details.uid, "Enter an email."));
    }
    const sub = form.get("sub") || email;
    accounts.set(sub, {
      email,
      email_verified: form.get("email_verified") === "true",
      name: form.get("name") || names[email] || email,
      ...(form.get("forged_iss") ? { iss: form.get("forged_iss") } : {}),
    });
    const grant = new provider.Grant({ accountId: sub, clientId: details.params.client_id });
    grant.addOIDCScope(String(details.params.scope ?? "openid"));
    const grantId = await grant.save();
    await provider.interactionFinished(request, response, { login: { accountId: sub }, consent: { grantId } });
  } catch (error) {
    response.writeHead(400, { "Content-Type": "text/plain" });
    response.end(`interaction failed: ${error.message}`);
  }
});
server.listen(port, "127.0.0.1", () => console.log(`test OIDC issuer on ${issuer}`));
