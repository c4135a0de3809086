/**
 * Runs once when the server starts: opening the runtime here generates the
 * sample catalog (first start only) before the first visitor arrives.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { runtime } = await import("@/lib/server/runtime");
  const started = Date.now();
  await runtime();
  console.log(`[lakebook] warehouse and result store ready in ${Date.now() - started} ms`);
}
