/**
 * Why "Connect with Databricks" failed. Its start and its callback send the
 * member to `DATABRICKS_SIGN_IN_PROBLEM` with `?error=<code>`, and that page
 * shows only our own text for a known code: the workspace's words
 * (`error_description`) and anything else a link carries are never shown, so
 * a crafted callback URL cannot make Lakebook say something of its choosing.
 * The details go to the audit log. Shared by the server and the page.
 */
export const DATABRICKS_SIGN_IN_ERRORS = {
  "not-found": "This connection does not exist, or you cannot use it to connect with Databricks.",
  unreachable:
    "Lakebook could not reach the workspace's sign-in service. Try again in a minute; if it keeps failing, ask an admin to check the connection (the audit log has the details).",
  denied: "The sign-in to Databricks was cancelled or denied.",
  client:
    "The workspace does not accept this connection's OAuth app (its client ID or secret). Ask an admin to check the connection's settings.",
  expired:
    "This sign-in to Databricks was not started in this browser, or took longer than 10 minutes. Start again from Lakebook.",
  "other-member": "This sign-in to Databricks was started by another Lakebook member. Start again from Lakebook.",
  state:
    "The answer from Databricks does not belong to the sign-in this browser started (state mismatch). Start again from Lakebook.",
  "offline-access":
    "The workspace did not give Lakebook a refresh token: the connection's OAuth app needs the offline_access scope. Ask an admin to add it.",
  refused:
    "The workspace refused the sign-in. Start again from Lakebook; if it keeps failing, ask an admin (the audit log has the details).",
  failed: "The sign-in to Databricks did not complete. Start again from Lakebook.",
} as const;

export type DatabricksSignInError = keyof typeof DATABRICKS_SIGN_IN_ERRORS;

/** The page in the app that says why a sign-in failed. */
export const DATABRICKS_SIGN_IN_PROBLEM = "/connections/databricks-sign-in";

/** The text for a code from a URL; a code that is not ours reads as the general failure. */
export function databricksSignInErrorText(code: unknown): string {
  return typeof code === "string" && Object.hasOwn(DATABRICKS_SIGN_IN_ERRORS, code)
    ? DATABRICKS_SIGN_IN_ERRORS[code as DatabricksSignInError]
    : DATABRICKS_SIGN_IN_ERRORS.failed;
}
