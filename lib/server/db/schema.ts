/**
 * The metadata store: who may sign in, the warehouse connections they use,
 * their saved queries and who they are shared with, editor tabs with their
 * drafts, and the history of runs. Result rows live in the result store
 * (lib/server/runs), one table per run.
 *
 * One file per entity under ./schema; this file gathers them, and is what
 * drizzle.config.ts and the queries import.
 */

export * from "./schema/api";
export * from "./schema/connections";
export * from "./schema/groups";
export * from "./schema/member-tokens";
export * from "./schema/notebooks";
export * from "./schema/permissions";
export * from "./schema/runs";
export * from "./schema/saved-queries";
export * from "./schema/server";
export * from "./schema/tabs";
export * from "./schema/users";
