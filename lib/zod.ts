import { z } from "zod";

/**
 * zod for schemas that also reach the browser. Pages run under a
 * Content-Security-Policy without 'unsafe-eval' (proxy.ts), and zod's
 * just-in-time compiler probes for eval with `new Function`, which the browser
 * reports as a violation; its interpreter gives the same answers.
 */
z.config({ jitless: true });

export { z };
