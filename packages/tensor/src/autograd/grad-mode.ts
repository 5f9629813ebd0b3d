/** Global recording state: whether ops record, and whether call sites are kept for anomalies. */
export const gradMode = { enabled: true, anomaly: false };

/** Whether ops record the graph for differentiation now (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return gradMode.enabled;
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = gradMode.enabled;
  gradMode.enabled = enabled;
  try {
    return fn();
  } finally {
    gradMode.enabled = prev;
  }
}

/** Runs `fn` with recording switched off: nothing it computes has a gradient. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with recording switched on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}
