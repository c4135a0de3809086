import { randomBytes } from "node:crypto";
import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Certificate } from "./certificate";
import type { Faults } from "./faults";
import { int64, type T, ttypes } from "./thrift";

/** What the warehouse records about one statement's results (`stats().results`). */
export interface ResultRecord {
  statement: string;
  delivery: "inline" | "cloudfetch";
  /** Result links handed out (FetchResults and direct results, refetches included). */
  links: number;
  /** Fetches that went back to an earlier row (FETCH_ABSOLUTE, FETCH_FIRST) for fresh links. */
  refetches: number;
  /** Files sent completely by the storage server. */
  downloads: number;
  /** Downloads the client broke off before the last byte (a cancel, a lost socket). */
  abortedDownloads: number;
  /** Downloads begun: `startedDownloads - downloads - abortedDownloads` are on their way now. */
  startedDownloads: number;
  /** Requests for a link after its expiry time, answered 403 as cloud storage does. */
  expiredRequests: number;
}

/** Downloads of `record`'s files begun and neither finished nor broken off (none when there is no record). */
export function downloadsOnTheirWay(record: ResultRecord | undefined): number {
  return record ? record.startedDownloads - record.downloads - record.abortedDownloads : 0;
}

export interface StoredFile {
  id: string;
  startRowOffset: number;
  rowCount: number;
  bytes: number;
}

interface Link {
  file: StoredFile;
  expiresAt: number;
  record: ResultRecord;
}

/** How long a link stays valid unless a fault says otherwise: Databricks' pre-signed URLs last minutes. */
const LINK_LIFETIME_MS = 15 * 60_000;
/** A header every link carries and the storage requires, as Azure/S3 links carry encryption headers. */
const KEY_HEADER = "x-lakebook-storage-key";

/**
 * The workspace's cloud storage: result files on disk (so a 2M-row result is
 * never held in memory) served by their own HTTPS server, on another port,
 * with the warehouse's certificate. A link is a random token that works until
 * its expiry time; the file stays until the warehouse closes, so a refetch
 * (FETCH_ABSOLUTE) can hand out a fresh link to it, as Databricks re-signs.
 */
export class ResultStorage {
  private readonly links = new Map<string, Link>();
  private readonly key = randomBytes(16).toString("hex");
  private server?: https.Server;
  port = 0;

  constructor(
    private readonly dir: string,
    private readonly certificate: Certificate,
    private readonly faults: Faults,
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  async start(): Promise<void> {
    const { key, cert } = this.certificate;
    this.server = https.createServer({ key, cert }, (req, res) => {
      this.serve(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(error instanceof Error ? error.message : String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async put(bytes: Buffer, startRowOffset: number, rowCount: number): Promise<StoredFile> {
    const id = randomBytes(12).toString("hex");
    await fs.promises.writeFile(path.join(this.dir, id), bytes);
    return { id, startRowOffset, rowCount, bytes: bytes.length };
  }

  /** A new link to a stored file, shaped as Databricks sends it (expiry in epoch milliseconds). */
  link(file: StoredFile, record: ResultRecord): T.TSparkArrowResultLink {
    const token = randomBytes(16).toString("hex");
    const expiresAt = this.faults.takeExpiredLink() ? Date.now() - 60_000 : Date.now() + this.lifetimeMs();
    this.links.set(token, { file, expiresAt, record });
    record.links += 1;
    // An unreachable storage host: 127.0.0.2 is loopback too, but nothing listens there.
    const host = this.faults.storageUnreachable ? "127.0.0.2" : "localhost";
    return new ttypes.TSparkArrowResultLink({
      fileLink: `https://${host}:${this.port}/results/${token}?X-Lakebook-Expires=${expiresAt}`,
      expiryTime: int64(expiresAt),
      startRowOffset: int64(file.startRowOffset),
      rowCount: int64(file.rowCount),
      bytesNum: int64(file.bytes),
      httpHeaders: { [KEY_HEADER]: this.key },
    });
  }

  /** Deletes files (their links then answer 404, as a deleted object does). */
  async remove(files: StoredFile[]): Promise<void> {
    await Promise.all(files.map((file) => fs.promises.rm(path.join(this.dir, file.id), { force: true })));
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server)
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private lifetimeMs(): number {
    return this.faults.linkLifetimeMs ?? LINK_LIFETIME_MS;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = /^\/results\/([0-9a-f]{32})$/.exec(new URL(req.url ?? "/", "https://localhost").pathname)?.[1];
    const link = token ? this.links.get(token) : undefined;
    if (req.method !== "GET" || !link) return s3Error(res, 404, "NoSuchKey", "The specified key does not exist.");
    if (req.headers[KEY_HEADER] !== this.key)
      return s3Error(res, 403, "AccessDenied", "The link's required headers were not sent.");
    if (Date.now() >= link.expiresAt) {
      link.record.expiredRequests += 1;
      return s3Error(res, 403, "AccessDenied", "Request has expired");
    }
    const body = await fs.promises.readFile(path.join(this.dir, link.file.id)).catch(() => null);
    if (!body) return s3Error(res, 404, "NoSuchKey", "The specified key does not exist.");
    if (res.destroyed || req.socket.destroyed) {
      // The client went away while the file was read: a download begun and broken off,
      // whose "close" came before anyone listened for it.
      link.record.startedDownloads += 1;
      link.record.abortedDownloads += 1;
      return;
    }
    res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": body.length });
    link.record.startedDownloads += 1;
    let finished = false;
    res.on("finish", () => {
      finished = true;
      link.record.downloads += 1;
    });
    res.on("close", () => {
      if (!finished) link.record.abortedDownloads += 1;
    });
    const rate = this.faults.storageBytesPerSecond;
    if (rate <= 0) return void res.end(body);
    await trickle(res, body, rate);
  }
}

/** Writes `body` at about `rate` bytes a second, stopping when the client goes away. */
async function trickle(res: ServerResponse, body: Buffer, rate: number): Promise<void> {
  const tickMs = 50;
  const slice = Math.max(1, Math.floor((rate * tickMs) / 1000));
  for (let at = 0; at < body.length; at += slice) {
    if (res.destroyed) return;
    res.write(body.subarray(at, at + slice));
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  res.end();
}

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { "Content-Type": "application/xml", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}
