import { tf } from "../tfjs.js";

/** LSTM parameters in the Keras layout, gates i f g o: wx [I, 4H], wh [H, 4H], b [4H]. */
export interface TfLstmParams {
  wx: tf.Tensor;
  wh: tf.Tensor;
  b: tf.Tensor;
}

export interface TfLstmGrads {
  loss: tf.Scalar;
  dwx: tf.Tensor;
  dwh: tf.Tensor;
  db: tf.Tensor;
}

/**
 * Loss = sum of all hidden states of an LSTM over x [T*B, I] (time-major rows), and its gradients
 * by hand-written backpropagation through time. This is the fastest tfjs path we found: it avoids
 * tfjs's transposed matMuls (1-3 GFLOP/s in wasm) by transposing W_h once, and computes each
 * weight gradient as one matMul over all time steps. Call inside tf.tidy.
 *   z_t = x_t W_x + h_{t-1} W_h + b;  i, f, o = sigmoid, g = tanh of z_t's quarters
 *   c_t = f c_{t-1} + i g;  h_t = o tanh(c_t)
 */
export function lstmLossAndGrads(x: tf.Tensor, p: TfLstmParams, T: number, B: number): TfLstmGrads {
  const H = p.wh.shape[0]!;
  const one = tf.scalar(1);
  const zx = tf.split(tf.add(tf.matMul(x, p.wx), p.b), T, 0);
  let h = tf.zeros([B, H]);
  let c = tf.zeros([B, H]);
  const hPrev: tf.Tensor[] = [];
  const saved: { i: tf.Tensor; f: tf.Tensor; g: tf.Tensor; o: tf.Tensor; cPrev: tf.Tensor; tc: tf.Tensor }[] =
    [];
  for (let t = 0; t < T; t++) {
    hPrev.push(h);
    const [zi, zf, zg, zo] = tf.split(tf.add(zx[t]!, tf.matMul(h, p.wh)), 4, 1) as tf.Tensor[];
    const i = tf.sigmoid(zi!);
    const f = tf.sigmoid(zf!);
    const g = tf.tanh(zg!);
    const o = tf.sigmoid(zo!);
    const cPrev = c;
    c = tf.add(tf.mul(f, cPrev), tf.mul(i, g));
    const tc = tf.tanh(c);
    h = tf.mul(o, tc);
    saved.push({ i, f, g, o, cPrev, tc });
  }
  const loss = tf.sum(tf.addN(hPrev.slice(1).concat(h))) as tf.Scalar;

  // Backward: dL/dh_t = 1 from the loss plus what flows back from step t+1.
  const whT = tf.transpose(p.wh);
  const ones = tf.onesLike(h);
  let dhNext = tf.zerosLike(h);
  let dcNext = tf.zerosLike(h);
  const dz: tf.Tensor[] = new Array(T);
  for (let t = T - 1; t >= 0; t--) {
    const { i, f, g, o, cPrev, tc } = saved[t]!;
    const dh = tf.add(ones, dhNext);
    // d tanh(u) = 1 - tanh(u)^2; d sigmoid(u) = s (1 - s)
    const dc = tf.add(dcNext, tf.mul(tf.mul(dh, o), tf.sub(one, tf.square(tc))));
    const dzi = tf.mul(tf.mul(dc, g), tf.mul(i, tf.sub(one, i)));
    const dzf = tf.mul(tf.mul(dc, cPrev), tf.mul(f, tf.sub(one, f)));
    const dzg = tf.mul(tf.mul(dc, i), tf.sub(one, tf.square(g)));
    const dzo = tf.mul(tf.mul(dh, tc), tf.mul(o, tf.sub(one, o)));
    dz[t] = tf.concat([dzi, dzf, dzg, dzo], 1);
    dhNext = tf.matMul(dz[t]!, whT);
    dcNext = tf.mul(dc, f);
  }
  const dZ = tf.concat(dz, 0);
  return {
    loss,
    dwh: tf.matMul(tf.transpose(tf.concat(hPrev, 0)), dZ),
    dwx: tf.matMul(tf.transpose(x), dZ),
    db: tf.sum(dZ, 0),
  };
}

/** The same loss written with tf ops, for tf.variableGrads (and to check the hand-written gradients). */
export function lstmLoss(x: tf.Tensor, p: TfLstmParams, T: number, B: number): tf.Scalar {
  const H = p.wh.shape[0]!;
  const zx = tf.split(tf.add(tf.matMul(x, p.wx), p.b), T, 0);
  let h = tf.zeros([B, H]);
  let c = tf.zeros([B, H]);
  const outs: tf.Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const [i, f, g, o] = tf.split(tf.add(zx[t]!, tf.matMul(h, p.wh)), 4, 1) as tf.Tensor[];
    c = tf.add(tf.mul(tf.sigmoid(f!), c), tf.mul(tf.sigmoid(i!), tf.tanh(g!)));
    h = tf.mul(tf.sigmoid(o!), tf.tanh(c));
    outs.push(h);
  }
  return tf.sum(tf.stack(outs)) as tf.Scalar;
}

/** Checks the hand-written gradients against tf.variableGrads on a small LSTM; throws on mismatch. */
export function checkHandWrittenGrads(): void {
  const [T, B, I, H] = [3, 2, 3, 4];
  tf.tidy(() => {
    const x = tf.randomNormal([T * B, I], 0, 1, "float32", 1);
    const vars = {
      wx: tf.variable(tf.randomNormal([I, 4 * H], 0, 0.5, "float32", 2)),
      wh: tf.variable(tf.randomNormal([H, 4 * H], 0, 0.5, "float32", 3)),
      b: tf.variable(tf.randomNormal([4 * H], 0, 0.5, "float32", 4)),
    };
    const mine = lstmLossAndGrads(x, vars, T, B);
    const ref = tf.variableGrads(() => lstmLoss(x, vars, T, B), [vars.wx, vars.wh, vars.b]);
    const pairs: [string, tf.Tensor, tf.Tensor][] = [
      ["loss", mine.loss, ref.value],
      ["dwx", mine.dwx, ref.grads[vars.wx.name]!],
      ["dwh", mine.dwh, ref.grads[vars.wh.name]!],
      ["db", mine.db, ref.grads[vars.b.name]!],
    ];
    for (const [name, a, b] of pairs) {
      const err = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
      if (!(err < 1e-4)) throw new Error(`tfjs hand-written LSTM: ${name} differs from tf.grad by ${err}`);
    }
    tf.dispose(Object.values(vars));
  });
}
