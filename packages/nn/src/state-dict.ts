import { isFloat, shapeStr, Tensor } from "@nablajs/tensor";

/** A state dict: parameter names (PyTorch's dotted names) to tensors. */
export type StateDict = Record<string, Tensor>;

/** What `loadStateDict` did not match (only non-empty when `strict` is false). */
export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

function list(keys: readonly string[]): string {
  return keys.map((k) => `'${k}'`).join(", ");
}

/**
 * Compares a module's parameters with `dict` and throws one error naming every missing,
 * unexpected (both only when `strict`), shape-mismatched or non-float key.
 */
export function checkStateDict(
  own: readonly [string, Tensor][],
  dict: StateDict,
  strict: boolean,
): LoadResult {
  if (typeof dict !== "object" || dict === null)
    throw new Error(
      `loadStateDict: expected an object of tensors, got ${dict === null ? "null" : typeof dict}`,
    );
  const names = new Set(own.map(([k]) => k));
  const missingKeys = own.map(([k]) => k).filter((k) => !Object.hasOwn(dict, k));
  const unexpectedKeys = Object.keys(dict).filter((k) => !names.has(k));
  const bad: string[] = [];
  for (const [k, p] of own) {
    if (!Object.hasOwn(dict, k)) continue;
    const v = dict[k];
    if (!(v instanceof Tensor)) bad.push(`'${k}' is not a Tensor`);
    else if (!isFloat(v.dtype)) bad.push(`'${k}' is ${v.dtype}, expected a float tensor`);
    else if (v.shape.join() !== p.shape.join())
      bad.push(`'${k}' has shape ${shapeStr(v.shape)}, the module expects ${shapeStr(p.shape)}`);
  }
  const problems = [
    ...(strict && missingKeys.length ? [`missing keys: ${list(missingKeys)}`] : []),
    ...(strict && unexpectedKeys.length ? [`unexpected keys: ${list(unexpectedKeys)}`] : []),
    ...(bad.length ? [`mismatched values: ${bad.join("; ")}`] : []),
  ];
  if (problems.length) throw new Error(`loadStateDict: ${problems.join("; ")}`);
  return { missingKeys, unexpectedKeys };
}
