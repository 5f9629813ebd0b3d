"""The cases of bench/elementwise.mjs in PyTorch on one thread, printed as JSON seconds per call.

Usage: python3 elementwise_torch.py '<json list of case names>' [cpu|wall]
Each case writes into a preallocated output (out=), as the nabla kernels do; "cpu" times by the
process's CPU time (robust on a shared machine), "wall" (the default) by the wall clock.
"""
import json
import sys
import time

import torch


CLOCK = time.perf_counter


def best_seconds(fn, min_time=0.05, samples=7):
    """Best time per call over `samples` runs of enough calls to last min_time."""
    fn()
    reps = 1
    while True:
        t = CLOCK()
        for _ in range(reps):
            fn()
        if CLOCK() - t >= min_time / 4:
            break
        reps *= 2
    reps = max(1, int(reps * min_time / max(CLOCK() - t, 1e-9)))
    best = float("inf")
    for _ in range(samples):
        t = CLOCK()
        for _ in range(reps):
            fn()
        best = min(best, (CLOCK() - t) / reps)
    return best


def cases():
    """Each case name of bench/elementwise.mjs with its PyTorch call."""
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(1 << 20, generator=gen) * 4
    y = torch.empty_like(x)
    pos = x.abs() + 1e-3
    a = torch.randn(32, 256, generator=gen)
    bias = torch.randn(256, generator=gen)
    ab = torch.empty(32, 256)
    m = torch.randn(2048, 65, generator=gen)
    mv, mi = torch.empty(2048), torch.empty(2048, dtype=torch.long)
    g = torch.randn(2048, 256, generator=gen)
    gs = torch.empty(256)
    s = torch.empty(())
    small = torch.randn(8, generator=gen)
    so = torch.empty(8)
    return {
        "exp 1M": lambda: torch.exp(x, out=y),
        "tanh 1M": lambda: torch.tanh(x, out=y),
        "sigmoid 1M": lambda: torch.sigmoid(x, out=y),
        "log 1M": lambda: torch.log(pos, out=y),
        "sin 1M": lambda: torch.sin(x, out=y),
        "relu 1M": lambda: torch.relu(x),
        "add 1M": lambda: torch.add(x, x, out=y),
        "add [32,256]+[256]": lambda: torch.add(a, bias, out=ab),
        "sum 1M": lambda: torch.sum(x, 0, out=s),
        "max rows [2048,65]": lambda: torch.max(m, 1, out=(mv, mi)),
        "amax rows [2048,65]": lambda: torch.amax(m, 1, out=mv),
        "sum cols [2048,256]": lambda: torch.sum(g, 0, out=gs),
        "add 8": lambda: torch.add(small, small, out=so),
    }


def main():
    global CLOCK
    names = json.loads(sys.argv[1])
    if len(sys.argv) > 2 and sys.argv[2] == "cpu":
        CLOCK = time.process_time
    torch.set_num_threads(1)
    table = cases()
    print(json.dumps({n: best_seconds(table[n]) for n in names if n in table}))


if __name__ == "__main__":
    main()
