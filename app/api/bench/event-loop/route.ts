import { notFound } from "next/navigation";
import { config } from "@/lib/server/config";
import { eventLoopDelay } from "@/lib/server/event-loop";

export const dynamic = "force-dynamic";

/**
 * The server's event-loop delay since the last `?reset=1`, for `npm run bench`
 * only: without LAKEBOOK_BENCH_PROBES=1 this route does not exist. It needs
 * no sign-in (the bench measures before and between sign-ins) and tells
 * nothing but three timings and the process's memory figures (JavaScript
 * heap, buffers, native), which tell where a peak of RSS comes from.
 */
export function GET(request: Request) {
  if (!config().LAKEBOOK_BENCH_PROBES) notFound();
  const reset = new URL(request.url).searchParams.get("reset") === "1";
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return Response.json(
    { ...eventLoopDelay(reset), memory: { rss, heapUsed, heapTotal, external, arrayBuffers } },
    { headers: { "Cache-Control": "no-store" } },
  );
}
