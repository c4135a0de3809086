import "server-only";
import type { User } from "../db/schema";

/**
 * Who is asking: the member an action or route acts for, as authorization
 * reads them (their id, and whether they are an admin). Every server module
 * that checks access takes this; a full `User` is one.
 */
export type Caller = Pick<User, "id" | "role">;
