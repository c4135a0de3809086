"use server";

import { historySqlInput } from "@/lib/schemas/history";
import { action } from "@/lib/server/actions/safe-action";
import { historySql } from "@/lib/server/runs/history";

/** The whole SQL of a history entry whose list row carries only its start. */
export const historySqlAction = action(historySqlInput, ({ runId }, user) => historySql(user, runId));
