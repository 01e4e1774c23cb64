// Calls `fn` at most once per `ms`; a request inside the window is served at its end, so the last state is never missed.
export interface Throttled {
  (): void;
  dispose(): void;
}

export function throttle(fn: () => void, ms: number): Throttled {
  let timer: NodeJS.Timeout | undefined;
  let last = -Infinity;
  const fire = () => {
    timer = undefined;
    last = Date.now();
    fn();
  };
  const throttled = () => {
    if (timer) return; // already scheduled: that call will see the latest state
    const wait = last + ms - Date.now();
    if (wait <= 0) fire();
    else timer = setTimeout(fire, wait);
  };
  throttled.dispose = () => clearTimeout(timer);
  return throttled;
}
