import { AsyncLocalStorage } from "node:async_hooks";

/** What the HTTP request carrying a Thrift call said about its caller, for the calls to record. */
export interface RequestContext {
  userAgent: string | null;
  /** Which credential authenticated the request: the warehouse's token, or OAuth. */
  credential: "token" | "oauth";
  /** Whose identity ran the call: "token" (the warehouse's own token), a service principal's client id, or a user. */
  identity: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
