import { type Backend, getBackend, setBackend } from "./backend.js";

/** The default backends, fastest first. */
const RANKED = ["native", "wasm", "js"] as const;
type Name = (typeof RANKED)[number];

/** Faster backends that could not load, and why (see `backendStatus`). */
const unavailable: { name: string; reason: string }[] = [];
let warned = false;

/** The backend that `NABLA_BACKEND` forces (Node), or undefined for the fastest available. */
function requested(): Name | undefined {
  const env = typeof process === "object" ? process.env?.NABLA_BACKEND : undefined;
  if (env === undefined || env === "") return undefined;
  if (!(RANKED as readonly string[]).includes(env))
    throw new Error(`nabla: NABLA_BACKEND must be one of ${RANKED.join(", ")}, got "${env}"`);
  return env as Name;
}

/**
 * Offers backend `name` as the default: it is made and used when `NABLA_BACKEND` asks for it,
 * or, when nothing is forced, when it is faster than the one running. `make` returns the backend
 * or why it cannot run here. A faster backend that cannot load is said once on the console
 * (unless a backend was forced) and kept in `backendStatus()`.
 */
export function chooseBackend(name: Name, make: () => Backend | string): void {
  const forced = requested();
  if (forced !== undefined && forced !== name) return;
  const running = RANKED.indexOf(getBackendName() as Name);
  if (forced === undefined && running !== -1 && running <= RANKED.indexOf(name)) return;
  const made = make();
  if (typeof made !== "string") {
    setBackend(made);
    return;
  }
  unavailable.push({ name, reason: made });
  if (forced === name) throw new Error(`nabla: NABLA_BACKEND=${name}, but it cannot run here: ${made}`);
  if (!warned && typeof console === "object") {
    warned = true;
    console.warn(
      `nabla: the ${name} backend is not available (${made}); running on ${getBackendName()} instead. ` +
        "Set NABLA_BACKEND to choose one and silence this.",
    );
  }
}

function getBackendName(): string {
  try {
    return getBackend().name;
  } catch {
    return "none";
  }
}

/**
 * Which backend ops run on, and the faster ones that could not load here with the reason (the
 * native addon did not compile at install, a page's CSP forbids WebAssembly, ...).
 */
export function backendStatus(): { name: string; unavailable: { name: string; reason: string }[] } {
  return { name: getBackendName(), unavailable: unavailable.map((u) => ({ ...u })) };
}
