// Waiting for the rest of the machine to go quiet before a measurement.
import { machineBusySeconds } from "./server.mjs";
import { QUIET_WAIT_S, SMOKE } from "./settings.mjs";
import { log, sleep } from "./stats.mjs";

/**
 * Waits (up to QUIET_WAIT_S in all, over the whole bench) until the rest of the
 * machine uses under 15% of a core for 2 s: on a 2-core machine another job
 * would otherwise take the cores the figures depend on.
 */
let quietBudgetS = QUIET_WAIT_S;
export async function waitForQuiet(): Promise<void> {
  // A smoke run's figures are not compared: the 2 s look at the machine would only make it slower.
  if (SMOKE) return;
  let announced = false;
  for (;;) {
    const m0 = machineBusySeconds();
    const b0 = process.cpuUsage();
    await sleep(2_000);
    const own = process.cpuUsage(b0);
    // CPU-seconds used by everything else during the 2 s, i.e. cores × 2.
    const other = machineBusySeconds().busy - m0.busy - (own.user + own.system) / 1e6;
    if (other / 2 < 0.15) return;
    if (quietBudgetS <= 0) {
      if (!announced)
        log(`  the machine is busy (${((other / 2) * 100).toFixed(0)}% of a core elsewhere); measuring anyway`);
      return;
    }
    if (!announced)
      log(`  waiting for the machine to be quiet (${((other / 2) * 100).toFixed(0)}% of a core used elsewhere)...`);
    announced = true;
    quietBudgetS -= 2;
  }
}

/** Seconds of waiting left; none left means a disturbed phase is not measured again. */
export const quietBudgetLeft = (): number => quietBudgetS;
