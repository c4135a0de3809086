import { headers } from "next/headers";
import { openApiDocument } from "@/lib/server/api/openapi";
import { pageUser } from "@/lib/server/auth/session";

export const dynamic = "force-dynamic";

type Operation = {
  summary: string;
  description?: string;
  parameters?: Array<{ name: string; in: string; description?: string }>;
  responses: Record<string, unknown>;
};

/** The API's description for people: each operation, its parameters and its answers, from the OpenAPI document. */
export default async function ApiDocsPage() {
  await pageUser();
  const host = (await headers()).get("host") ?? "127.0.0.1:3000";
  const origin = `http://${host}`;
  const doc = openApiDocument(origin);
  const example = `curl -H "Authorization: Bearer $LAKEBOOK_TOKEN" ${origin}/api/v1/queries`;
  return (
    <main className="page api-docs">
      <h1>Lakebook API</h1>
      <p>{doc.info.description}</p>
      <p>
        Create a token under <a href="/account#api-tokens">Account → API tokens</a>, keep it in the environment variable{" "}
        <code>LAKEBOOK_TOKEN</code>, then:
      </p>
      <pre>
        <code>{example}</code>
      </pre>
      <p>
        The machine-readable description: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1). Every
        saved query's <strong>Use from Python</strong> panel writes the call for you.
      </p>
      {Object.entries(doc.paths).map(([path, item]) => (
        <section key={path} aria-label={path}>
          {Object.entries(item as Record<string, Operation>).map(([method, op]) => (
            <div className="operation" key={method}>
              <h2>
                <span className="method">{method}</span>
                <code>{path}</code>
              </h2>
              <p>
                <strong>{op.summary}.</strong> {op.description}
              </p>
              {op.parameters && op.parameters.length > 0 && (
                <ul>
                  {op.parameters.map((p) => (
                    <li key={`${p.in}-${p.name}`}>
                      <code>{p.name}</code> <span className="muted">({p.in})</span>
                      {p.description ? ` — ${p.description}` : ""}
                    </li>
                  ))}
                </ul>
              )}
              <p className="muted small">Answers: {Object.keys(op.responses).join(", ")}</p>
            </div>
          ))}
        </section>
      ))}
    </main>
  );
}
