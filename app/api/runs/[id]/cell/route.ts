import { cellQuery } from "@/lib/schemas/runs";
import { ENDED_RUN_SECONDS, Lasting, readRoute } from "@/lib/server/actions/read-route";
import { stored } from "@/lib/server/runs/access";
import { cellOf } from "@/lib/server/runs/reads";

export const dynamic = "force-dynamic";

/** One whole cell of a stored result (a page cuts long values): `?row=<row id>&column=<index>`. */
export const GET = readRoute(cellQuery, async (id, { row, column }, user) => {
  const record = await stored(user, id);
  const cell = await cellOf(record, row, column);
  return record.status === "running" ? cell : new Lasting(cell, ENDED_RUN_SECONDS);
});
