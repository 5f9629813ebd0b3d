/** The element types a tensor can hold. */
export type DType = "float32" | "float64" | "int32";

/** The typed arrays that back tensor storage. */
export type TypedArray = Float32Array | Float64Array | Int32Array;

/** Every dtype, in the order error messages list them. */
export const DTYPES: readonly DType[] = ["float32", "float64", "int32"];

/** Allocates a zero-filled typed array of `dtype` with `n` elements. */
export function allocate(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(n);
    case "float64":
      return new Float64Array(n);
    case "int32":
      return new Int32Array(n);
  }
}

/** The dtype of a typed array, or undefined for other arrays. */
export function dtypeOfArray(a: unknown): DType | undefined {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  return undefined;
}

/** Whether `dtype` holds floating-point values (float32, float64): the dtypes that can carry gradients. */
export function isFloat(dtype: DType): boolean {
  return dtype !== "int32";
}

/** `dtype` if it names a dtype; otherwise throws naming `op` and the dtypes it accepts. */
export function assertDType(op: string, dtype: unknown): DType {
  if (dtype === "float32" || dtype === "float64" || dtype === "int32") return dtype;
  throw new Error(`${op}: unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(", ")}`);
}
