// The page's inputs: reading them, checking them against their own min/max/step, and showing an
// error beside the field it belongs to.

const $ = (id: string) => document.getElementById(id) as HTMLInputElement;

/** The number in input `id`, or an error in words when it is empty, not a number or out of its min/max/step. */
export function readNumber(id: string): number | { error: string } {
  const input = $(id);
  const raw = input.value.trim();
  const v = Number(raw);
  if (raw === "" || !Number.isFinite(v)) return { error: "enter a number" };
  const [min, max] = [Number(input.min || "-Infinity"), Number(input.max || "Infinity")];
  const whole = input.step === "" || input.step === "1";
  if (whole && !Number.isInteger(v)) return { error: "enter a whole number" };
  if (v < min) return { error: `at least ${input.min}` };
  if (v > max) return { error: `at most ${input.max}` };
  return v;
}

/** Reads the numeric inputs `ids`; shows an error beside each bad one and returns null if any is bad. */
export function readNumbers<K extends string>(ids: readonly K[]): Record<K, number> | null {
  const out = {} as Record<K, number>;
  let ok = true;
  for (const id of ids) {
    const v = readNumber(id);
    if (typeof v === "number") out[id] = v;
    else {
      showError(id, v.error);
      ok = false;
    }
  }
  return ok ? out : null;
}

/** Shows `message` beside field `id` (in its `${id}-err` span) and marks the field invalid. */
export function showError(id: string, message: string): void {
  const span = document.getElementById(`${id}-err`) ?? document.getElementById("general-err");
  if (span) span.textContent = message;
  document.getElementById(id)?.setAttribute("aria-invalid", "true");
}

/** Clears every error on the page. */
export function clearErrors(): void {
  document.querySelectorAll(".err").forEach((span) => {
    span.textContent = "";
  });
  document.querySelectorAll("[aria-invalid]").forEach((el) => {
    el.removeAttribute("aria-invalid");
  });
}
