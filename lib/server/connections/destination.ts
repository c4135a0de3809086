import "server-only";
import { UserError } from "@/lib/action-result";
import { usesClientId } from "@/lib/schemas/connections";
import type { Connection, User } from "../db/schema";
import { log } from "../log";
import { canonicalHost } from "../network/hosts";
import { checkTarget, resolveChecked, WarehouseRefusal, warehousePolicy } from "../network/warehouse-policy";
import { revealsNetwork } from "./access";

// Where a connection may send its secret: hosts the warehouse policy allows, and
// never elsewhere without the secret typed again.

/**
 * The host the policy allows for this input, in canonical form, or a
 * UserError: the detail for admins, for members nothing about the network.
 * With `resolve`, the name's addresses are checked too; a name that does not
 * resolve now is let through (every connection checks again as it connects).
 */
export async function allowedHost(user: User, host: string, port: number, resolve: boolean): Promise<string> {
  const policy = warehousePolicy();
  try {
    const canonical = checkTarget(policy, host, port);
    if (resolve)
      await resolveChecked(policy, canonical).catch((error) => {
        if (WarehouseRefusal.is(error)) throw error;
      });
    return canonical;
  } catch (error) {
    if (!WarehouseRefusal.is(error)) throw error;
    if (!revealsNetwork(user)) log.warn(`refused a member's warehouse connection: ${error.message}`);
    throw new UserError(revealsNetwork(user) ? error.message : error.memberMessage);
  }
}

/**
 * The fields that decide where a stored secret is sent: changing any of them
 * needs the secret typed again, so no one (an admin's session included) can
 * send a secret someone else stored to a host of their choosing.
 */
export function changesWhereSecretGoes(
  existing: Connection,
  next: { host: string; port: number; httpPath: string; authType: Connection["authType"]; clientId: string | null },
): boolean {
  return (
    // Rows saved before hosts were stored canonical compare in that form.
    (canonicalHost(existing.host) ?? existing.host) !== next.host ||
    Number(existing.port) !== next.port ||
    existing.httpPath !== next.httpPath ||
    existing.authType !== next.authType ||
    (existing.clientId ?? null) !== (usesClientId(next.authType) ? next.clientId : null)
  );
}

export function secretAgainMessage(authType: Connection["authType"]): string {
  return `Enter the ${authType === "token" ? "access token" : "client secret"} again: a changed server hostname, port, HTTP path, authentication type or client ID needs it.`;
}
