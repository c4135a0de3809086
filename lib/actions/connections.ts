"use server";

import { z } from "zod";
import { connectionIdInput, connectionInput } from "@/lib/schemas/connections";
import { action } from "@/lib/server/actions/safe-action";
import { removeConnection, saveConnection } from "@/lib/server/connections";
import { checkConnection } from "@/lib/server/connections/engines";
import { disconnectDatabricks } from "@/lib/server/connections/sign-ins";

export const saveConnectionAction = action(connectionInput, (input, user) => saveConnection(user, input));

export const deleteConnectionAction = action(connectionIdInput, async ({ connectionId }, user) => {
  await removeConnection(user, connectionId);
  return null;
});

/** Tests a saved connection by id, or the form's values before saving. */
export const testConnectionAction = action(
  z.union([connectionInput, z.object({ id: z.string().max(64) })]),
  (input, user) => checkConnection(user, input),
);

/** Disconnect: forgets the member's own Databricks sign-in on a user-to-machine connection. */
export const disconnectDatabricksAction = action(connectionIdInput, async ({ connectionId }, user) => {
  await disconnectDatabricks(user, connectionId);
  return null;
});
