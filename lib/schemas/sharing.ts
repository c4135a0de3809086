import { LEVELS } from "@/lib/sharing";
import { z } from "@/lib/zod";

/** Input of the sharing actions (saved queries and notebooks). */

const id = z.string().max(64);
const principal = z.object({ kind: z.enum(["user", "group"]), id });
const objectRef = { kind: z.enum(["query", "notebook"]), id };
export const grantsInput = z.object(objectRef);
export const shareInput = z.object({ ...objectRef, principal, level: z.enum(LEVELS) });
export const unshareInput = z.object({ ...objectRef, principal });
export const principalsInput = z.object({ search: z.string().max(200) });
