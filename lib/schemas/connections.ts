import { z } from "@/lib/zod";

/** Input of the connection actions. */

/** The host of a pasted URL or host name: no scheme, no path. */
function hostOfUrl(text: string): string {
  const bare = text.replace(/^https?:\/\//i, "");
  const slash = bare.indexOf("/");
  return slash < 0 ? bare : bare.slice(0, slash);
}

/** A Databricks SQL warehouse connection as the form submits it. Blank secret = keep the stored one. */
export const connectionInput = z
  .object({
    id: z.string().max(64).optional(),
    name: z.string().trim().min(1, "Give the connection a name.").max(100),
    host: z
      .string()
      .trim()
      .max(2000, "Enter the server hostname, e.g. adb-1234.5.azuredatabricks.net.")
      .transform(hostOfUrl)
      .pipe(z.string().regex(/^[A-Za-z0-9.-]+$/, "Enter the server hostname, e.g. adb-1234.5.azuredatabricks.net.")),
    port: z.coerce.number().int().min(1).max(65535).default(443),
    httpPath: z
      .string()
      .trim()
      .regex(/^\/[\w./-]+$/, "Enter the HTTP path, e.g. /sql/1.0/warehouses/abc123."),
    authType: z.enum(["token", "oauth-m2m", "oauth-u2m"]),
    clientId: z.string().trim().max(200).optional(),
    secret: z.string().max(4096).optional(),
    defaultCatalog: z.string().trim().max(255).optional(),
    defaultSchema: z.string().trim().max(255).optional(),
    /** Off: results always come through the warehouse, never from its cloud storage. Left out: unchanged (on when new). */
    cloudFetch: z.boolean().optional(),
    scope: z.enum(["shared", "personal"]),
  })
  .refine((c) => c.authType !== "oauth-m2m" || Boolean(c.clientId), {
    message: "OAuth machine-to-machine needs the service principal's client id.",
    path: ["clientId"],
  })
  .refine((c) => c.authType !== "oauth-u2m" || Boolean(c.clientId), {
    message: "OAuth user-to-machine needs the client ID of the workspace's OAuth app.",
    path: ["clientId"],
  });

/** Whether a connection's authentication names an OAuth client (machine-to-machine or user-to-machine). */
export const usesClientId = (authType: string): boolean => authType === "oauth-m2m" || authType === "oauth-u2m";

export const connectionIdInput = z.object({ connectionId: z.string().max(64) });
