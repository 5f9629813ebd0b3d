import { add } from "@nablajs/tensor";
import { keep, lazy, nablaTensor, normal, tfTensor } from "../data.js";
import type { Case } from "../harness.js";
import { tf } from "../tfjs.js";

/**
 * The cost of one small `add`: at these sizes it is almost all dispatch (shape checks,
 * broadcasting, allocating the result), which is what a long chain of small ops pays per op.
 * NOTE: tfjs's cpu and wasm kernels run synchronously inside the op call, so the result is
 * computed without `dataSync()`; reading it back would add a copy nabla does not pay.
 */
function addCase(aShape: number[], bShape: number[]): Case {
  const data = lazy(() => ({ a: normal(aShape, 3), b: normal(bShape, 4) }));
  const tfjs = () => {
    const a = tfTensor(data().a, aShape);
    const b = tfTensor(data().b, bShape);
    return { run: () => tf.add(a, b).dispose(), dispose: () => tf.dispose([a, b]) };
  };
  return {
    name: `add [${aShape.join("x")}]+[${bShape.join("x")}]`,
    description: `one elementwise add, [${aShape}] + [${bShape}] (result allocated and dropped)`,
    setup: {
      nabla: () => {
        const a = nablaTensor(data().a, aShape);
        const b = nablaTensor(data().b, bShape);
        return { run: () => keep(add(a, b)) };
      },
      "tfjs-cpu": tfjs,
      "tfjs-wasm": tfjs,
    },
  };
}

export const addCases: Case[] = [addCase([8], [8]), addCase([32, 256], [256])];
