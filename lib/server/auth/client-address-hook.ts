import "server-only";
import diagnostics from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { CLIENT_ADDRESS_HEADER } from "./client-address";

let installed = false;

/**
 * Writes each request's connection address into CLIENT_ADDRESS_HEADER (see
 * client-address.ts), overwriting any value a client sent. Node publishes
 * `http.server.request.start` just before the server's "request" event, so
 * the header is in place before Next.js copies the request's headers.
 */
export function installClientAddressHook(): void {
  if (installed) return;
  installed = true;
  diagnostics.subscribe("http.server.request.start", (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket?: Socket };
    const address = socket?.remoteAddress ?? request.socket?.remoteAddress;
    if (address) request.headers[CLIENT_ADDRESS_HEADER] = address;
    else delete request.headers[CLIENT_ADDRESS_HEADER];
  });
}
