import "server-only";
import { UserError } from "@/lib/action-result";
import { MAX_CHOICES, type ParameterSpec } from "@/lib/sql/parameters";
import { runsRanBy } from "./db/queries/runs";
import type { User } from "./db/schema";
import { queryFor } from "./queries";
import { readPage } from "./runs/runs";
import { runtime } from "./runtime";

/**
 * The values of a dropdown filled from a saved query: the first column of
 * that query's last result (distinct, in order, no NULLs, at most 1,000),
 * for whoever may view the query. Nothing runs: the result is the one its
 * viewers see; running the query again refreshes the list.
 */
export async function choicesFromQuery(user: User, queryId: string): Promise<{ title: string; choices: string[] }> {
  const { query } = await queryFor(user, queryId, "view");
  const [last] = await runsRanBy((await runtime()).db, { latestOfQuery: query.id });
  if (!last) throw new UserError(`"${query.title}" has no result yet: run it to fill the dropdown.`);
  const page = await readPage(user, last.id, 0, MAX_CHOICES, null);
  const choices = [...new Set(page.rows.flatMap((row) => (row[0] === null ? [] : [String(row[0])])))];
  if (choices.length === 0) throw new UserError(`The last result of "${query.title}" has no values to choose from.`);
  return { title: query.title, choices };
}

/**
 * The specs of a run, with the choices of each dropdown filled from a saved
 * query read here, on the server: a value must be one of them, whatever the
 * browser sent as the list.
 */
export async function withServerChoices(user: User, specs: ParameterSpec[]): Promise<ParameterSpec[]> {
  return Promise.all(
    specs.map(async (spec) =>
      spec.type === "query" && spec.queryId
        ? { ...spec, choices: (await choicesFromQuery(user, spec.queryId)).choices }
        : spec,
    ),
  );
}
