import { MAX_TOKEN_DAYS, MAX_TOKEN_NAME, TOKEN_SCOPES } from "@/lib/api-tokens";
import { z } from "@/lib/zod";

/** Input of the API token and audit log actions. */

export const createTokenInput = z.object({
  name: z.string().trim().min(1, "Name the token, e.g. after the script or machine that uses it.").max(MAX_TOKEN_NAME),
  days: z
    .number()
    .int()
    .min(1, "A token lasts at least a day.")
    .max(MAX_TOKEN_DAYS, `A token lasts at most ${MAX_TOKEN_DAYS} days.`),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1, "Choose at least one thing the token may do.").max(TOKEN_SCOPES.length),
});

export const tokenIdInput = z.object({ tokenId: z.string().max(64) });

export const listTokensInput = z.object({ all: z.boolean() });

/** The audit log's filters, as the admin page and its CSV export take them (query string values). */
export const auditQuery = z.object({
  user: z.string().max(64).optional(),
  via: z.enum(["api", "browser", ""]).optional(),
  failures: z.enum(["1", ""]).optional(),
  action: z.string().max(200).optional(),
  from: z.iso.date("Choose a start date.").optional().or(z.literal("")),
  to: z.iso.date("Choose an end date.").optional().or(z.literal("")),
  before: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
});
export type AuditQuery = z.infer<typeof auditQuery>;
