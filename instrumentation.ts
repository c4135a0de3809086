import type { Instrumentation } from "next";

/**
 * Runs once when the server starts: installs the process's error and signal
 * handlers, then opens the runtime, which generates the sample catalog (first
 * start only) before the first visitor arrives.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ installClientAddressHook }, { installErrorHandlers }, { installSignalHandlers }, { log }, { startRuntime }] =
    await Promise.all([
      import("@/lib/server/auth/client-address-hook"),
      import("@/lib/server/process-errors"),
      import("@/lib/server/shutdown"),
      import("@/lib/server/log"),
      import("@/lib/server/runtime"),
    ]);
  installClientAddressHook();
  installErrorHandlers();
  installSignalHandlers();
  const started = Date.now();
  await startRuntime();
  log.info(`warehouse and result store ready in ${Date.now() - started} ms`);
}

/**
 * Every error a page, action or route throws, with the reference (`digest`)
 * the error page shows the member. The route's pattern is logged, never the
 * URL itself: an invitation link's path is a secret.
 */
export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { log } = await import("@/lib/server/log");
  const digest = (error as { digest?: string }).digest ?? "none";
  log.error(`request failed (reference ${digest})`, {
    reference: digest,
    method: request.method,
    route: context.routePath,
    routeType: context.routeType,
    err: error,
  });
};
