import { useSyncExternalStore } from "react";

const noSubscription = () => () => {};

/**
 * False while the server renders and the browser hydrates, then true. A button
 * rendered on the server does nothing when clicked before hydration attaches
 * its handler; one disabled until then says so instead of losing the click.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}
