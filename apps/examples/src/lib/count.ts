import { type Backend, getBackend, setBackend } from "@nablajs/tensor";

/**
 * Runs `fn` with every kernel call counted (each call the ops make to the backend: an elementwise
 * pass, a reduction, a matrix product...): a measure of work that, unlike wall time, does not
 * depend on the machine or on what else it is doing. Returns fn's result and the count.
 */
export function countKernels<T>(fn: () => T): { result: T; kernels: number } {
  const backend = getBackend();
  let kernels = 0;
  const counting = new Proxy(backend, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        kernels++;
        return value.apply(target, args);
      };
    },
  }) as Backend;
  setBackend(counting);
  try {
    return { result: fn(), kernels };
  } finally {
    setBackend(backend);
  }
}

/** Seconds that `fn` takes, the best of `repeats` runs (the least disturbed by other work). */
export function bestTime(fn: () => unknown, repeats = 3): number {
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}
