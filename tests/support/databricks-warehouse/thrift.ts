import { createRequire } from "node:module";
import type * as TCLIServiceModule from "@databricks/sql/thrift/TCLIService";
import type * as TTypesModule from "@databricks/sql/thrift/TCLIService_types";

/**
 * The generated Thrift code and the `thrift` runtime are CommonJS modules that
 * assign their exports dynamically, which ESM named imports cannot see; they are
 * loaded with `require` and typed from the driver's own declarations.
 */
// Resolved from the project root, so it works under both Vitest (ESM) and Playwright (CommonJS).
const require = createRequire(`${process.cwd()}/package.json`);

export const ttypes: typeof TTypesModule = require("@databricks/sql/thrift/TCLIService_types");
export const TCLIService: typeof TCLIServiceModule = require("@databricks/sql/thrift/TCLIService");
export type * as T from "@databricks/sql/thrift/TCLIService_types";

/** node-int64 (no bundled types): big-endian 8-byte integers on the wire. */
export interface Int64 {
  buffer: Buffer;
  toNumber(allowImprecise?: boolean): number;
}
const Int64Class: new (value: number | Buffer) => Int64 = require("node-int64");

export interface ThriftTransport {
  flush(): void;
}
export interface ThriftProtocol {
  readMessageBegin(): { fname: string; mtype: number; rseqid: number };
}
interface ThriftRuntime {
  TBufferedTransport: {
    new (buffer: Buffer | undefined, onFlush: (message: Buffer) => void): ThriftTransport;
    receiver(callback: (transport: ThriftTransport) => void, seqid?: number): (data: Buffer) => void;
  };
  TBinaryProtocol: new (transport: ThriftTransport) => ThriftProtocol;
}
const thrift: ThriftRuntime = require("thrift");

export function int64(value: bigint | number): Int64 {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(BigInt(value));
  return new Int64Class(buffer);
}

export function int64ToNumber(value: Int64 | number | null | undefined, fallback: number): number {
  if (value === null || value === undefined) return fallback;
  return typeof value === "number" ? value : value.toNumber(true);
}

/** The Thrift method a request calls, read from the message header without consuming the body. */
export function thriftMethodName(body: Buffer): string | undefined {
  let name: string | undefined;
  try {
    thrift.TBufferedTransport.receiver((transport) => {
      name = new thrift.TBinaryProtocol(transport).readMessageBegin().fname;
    })(body);
  } catch {
    return undefined;
  }
  return name;
}

/** Runs one buffered binary Thrift request through a processor; `reply` receives the framed response. */
export function processThrift(
  processor: { process(input: ThriftProtocol, output: ThriftProtocol): void },
  body: Buffer,
  reply: (response: Buffer) => void,
): void {
  const output = new thrift.TBinaryProtocol(new thrift.TBufferedTransport(undefined, reply));
  thrift.TBufferedTransport.receiver((transport) => {
    processor.process(new thrift.TBinaryProtocol(transport), output);
  })(body);
}
