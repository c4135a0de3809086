import "server-only";
import type { SyntaxCheck } from "@/lib/syntax";
import { engineFor } from "./connections/engines";
import type { User } from "./db/schema";

/**
 * The first syntax error of `sql` on a connection the member may use (the same
 * check as running on it, `engineFor`), by the engine's own parser.
 */
export async function checkSyntax(user: User, connectionId: string, sql: string): Promise<SyntaxCheck> {
  const engine = await engineFor(user, connectionId);
  if (!engine.checkSyntax) return { checked: false, problem: null };
  return { checked: true, problem: await engine.checkSyntax(sql) };
}
