"use server";

import { refreshCompletionsInput } from "@/lib/schemas/completions";
import { action } from "@/lib/server/actions/safe-action";
import { refreshCompletions } from "@/lib/server/completions/candidates";

/** The schema browser's refresh: the editor's completion reads the connection's catalog again. */
export const refreshCompletionsAction = action(refreshCompletionsInput, async ({ connectionId }, user) =>
  refreshCompletions(user, connectionId),
);
