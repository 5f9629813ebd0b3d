"""PyTorch's side of bench/gemm.mjs: times torch.mm (its OpenBLAS) on the shapes it is sent.

Reads one JSON shape per line on stdin ({m, n, k, aT, bT, dtype}) and answers each with one line:
the GFLOP/s (2 m n k / best time) of torch.mm on it. The caller sets OPENBLAS_NUM_THREADS and
OPENBLAS_CORETYPE in the environment; the first argument is torch's own thread count.
"""
import json
import sys
import time

import torch


def operand(rows, cols, transposed, dtype, gen):
    """A rows x cols matrix, stored transposed (a .t() view) when asked, like the strided nabla call."""
    if transposed:
        return torch.randn(cols, rows, generator=gen, dtype=dtype).t()
    return torch.randn(rows, cols, generator=gen, dtype=dtype)


def best_seconds(fn, min_time, samples):
    """Best time per call over `samples` runs of enough calls to last min_time."""
    fn()
    reps = 1
    while True:
        t = time.perf_counter()
        for _ in range(reps):
            fn()
        elapsed = time.perf_counter() - t
        if elapsed >= min_time / 4:
            break
        reps *= 2
    reps = max(1, round(reps * min_time / max(elapsed, 1e-9)))
    best = float("inf")
    for _ in range(samples):
        t = time.perf_counter()
        for _ in range(reps):
            fn()
        best = min(best, (time.perf_counter() - t) / reps)
    return best


def main():
    torch.set_num_threads(int(sys.argv[1]))
    gen = torch.Generator().manual_seed(0)
    print("ready", flush=True)
    for line in sys.stdin:
        s = json.loads(line)
        dtype = torch.float32 if s["dtype"] == "f32" else torch.float64
        a = operand(s["m"], s["k"], s["aT"], dtype, gen)
        b = operand(s["k"], s["n"], s["bT"], dtype, gen)
        c = torch.empty(s["m"], s["n"], dtype=dtype)
        sec = best_seconds(lambda: torch.mm(a, b, out=c), s["minTime"], s["samples"])
        print(2.0 * s["m"] * s["n"] * s["k"] / sec / 1e9, flush=True)


if __name__ == "__main__":
    main()
