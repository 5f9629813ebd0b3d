"""The GEMM shapes of bench/gemm.mjs in PyTorch (its OpenBLAS), printed as JSON GFLOP/s.

Usage: python3 gemm_torch.py '<json list of {name, m, n, k, aT, bT, dtype}>' threads
The caller sets OPENBLAS_NUM_THREADS / OPENBLAS_CORETYPE in the environment.
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


def best_seconds(fn, min_time=0.05, samples=7):
    """Best time per call over `samples` runs of enough calls to last min_time."""
    fn()
    reps = 1
    while True:
        t = time.perf_counter()
        for _ in range(reps):
            fn()
        if time.perf_counter() - t >= min_time / 4:
            break
        reps *= 2
    reps = max(1, int(reps * min_time / max(time.perf_counter() - t, 1e-9)))
    best = float("inf")
    for _ in range(samples):
        t = time.perf_counter()
        for _ in range(reps):
            fn()
        best = min(best, (time.perf_counter() - t) / reps)
    return best


def main():
    shapes = json.loads(sys.argv[1])
    torch.set_num_threads(int(sys.argv[2]))
    gen = torch.Generator().manual_seed(0)
    out = {}
    for s in shapes:
        dtype = torch.float32 if s["dtype"] == "f32" else torch.float64
        a = operand(s["m"], s["k"], s["aT"], dtype, gen)
        b = operand(s["k"], s["n"], s["bT"], dtype, gen)
        c = torch.empty(s["m"], s["n"], dtype=dtype)
        sec = best_seconds(lambda: torch.mm(a, b, out=c))
        out[s["name"]] = 2.0 * s["m"] * s["n"] * s["k"] / sec / 1e9
    print(json.dumps(out))


if __name__ == "__main__":
    main()
