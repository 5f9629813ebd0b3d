import { gradMode } from "@nablajs/tensor";

/**
 * Runs `fn` (forward and backward) with anomaly detection: ops remember where they were called,
 * and the first gradient that turns NaN or Inf during backward raises an error naming that op
 * and its call site. Slower; for debugging.
 */
export function detectAnomaly<T>(fn: () => T): T {
  const prev = gradMode.anomaly;
  gradMode.anomaly = true;
  try {
    return fn();
  } finally {
    gradMode.anomaly = prev;
  }
}
