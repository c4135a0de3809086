import type { IncomingMessage, ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { Certificate } from "./certificate";
import type { Faults } from "./faults";
import type { OAuthServer } from "./oauth";
import { requestContext } from "./request-context";
import { processThrift, type ThriftProtocol, thriftMethodName } from "./thrift";

export interface HttpOptions {
  certificate: Certificate;
  /** The warehouse's HTTP path; Thrift is served only there. */
  path: string;
  /** Whose identity a bearer token carries ("token" for the warehouse's own token), or null when it is refused. */
  identify(token: string): string | null;
  oauth: OAuthServer;
  faults: Faults;
  processor: { process(input: ThriftProtocol, output: ThriftProtocol): void };
}

/**
 * HTTPS on 127.0.0.1. Each Thrift call is one POST to `path`: binary protocol,
 * buffered transport, `Authorization: Bearer <token>`. A wrong or missing
 * token is a 401 and another path a 404: the driver raises both as
 * THTTPException carrying `statusCode`.
 */
export async function startHttpsServer(options: HttpOptions): Promise<{ port: number; close(): Promise<void> }> {
  const server = https.createServer({ key: options.certificate.key, cert: options.certificate.cert }, (req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(options: HttpOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const delay = options.faults.currentDelayMs;
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  const pathname = new URL(req.url ?? "/", "https://localhost").pathname;
  if (await options.oauth.handle(req, res, pathname, body)) return;

  if (req.method !== "POST" || pathname !== options.path) return text(res, 404, "Not Found");
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  const identity = token ? options.identify(token) : null;
  if (!token || !identity) {
    res.setHeader("x-databricks-reason-phrase", "Invalid access token.");
    return text(res, 401, "Unauthorized: invalid access token");
  }

  const method = thriftMethodName(body);
  const unavailable = options.faults.takeUnavailable(method);
  if (unavailable) {
    // A warehouse that is starting (or scaling) answers this way until it is up.
    if (unavailable.retryAfterSeconds !== undefined)
      res.setHeader("Retry-After", String(unavailable.retryAfterSeconds));
    return text(res, 503, "Temporarily Unavailable: the SQL warehouse is starting");
  }
  const drop = options.faults.takeDrop(method);
  const caller = {
    userAgent: req.headers["user-agent"] ?? null,
    credential: identity === "token" ? "token" : "oauth",
    identity,
  } as const;
  requestContext.run(caller, () =>
    processThrift(options.processor, body, (response) => {
      // A dropped connection loses the reply after the server did the work (the fetch cursor moved on).
      if (drop) return void req.socket.destroy();
      res.writeHead(200, { "Content-Type": "application/x-thrift", "Content-Length": response.length });
      res.end(response);
    }),
  );
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "Content-Type": "text/plain", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}
