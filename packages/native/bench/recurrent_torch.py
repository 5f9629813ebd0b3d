"""PyTorch's side of bench/recurrent.mjs: times nn.LSTM / nn.GRU forward and backward.

Reads one JSON case per line on stdin ({kind, T, B, I, H, calls}) and answers each with one line of
JSON: the best seconds of the forward alone (recording the graph) and of forward + backward (x, h0, c0 and the weights
all require gradients; the cotangents of y, h_n, c_n are random). The caller sets
OPENBLAS_NUM_THREADS and OPENBLAS_CORETYPE; the first argument is torch's own thread count.
"""
import json
import sys
import time

import torch


def best(fn, calls):
    """The fastest of `calls` runs (the machine is shared: the least disturbed one)."""
    fn()
    out = float("inf")
    for _ in range(calls):
        t = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t)
    return out


def main():
    torch.set_num_threads(int(sys.argv[1]))
    torch.manual_seed(0)
    print("ready", flush=True)
    for line in sys.stdin:
        s = json.loads(line)
        T, B, I, H = s["T"], s["B"], s["I"], s["H"]
        lstm = s["kind"] == "LSTM"
        layer = (torch.nn.LSTM if lstm else torch.nn.GRU)(I, H)
        x = torch.randn(T, B, I, requires_grad=True)
        h0 = torch.randn(1, B, H, requires_grad=True)
        c0 = torch.randn(1, B, H, requires_grad=True)
        dy, dh = torch.randn(T, B, H), torch.randn(1, B, H)

        def forward():
            return layer(x, (h0, c0) if lstm else h0)

        def both():
            y, state = forward()
            outs = [y, *state] if lstm else [y, state]
            torch.autograd.backward(outs, [dy, dh, dh][: len(outs)])

        fwd = best(forward, s["calls"])
        total = best(both, s["calls"])
        print(json.dumps({"forward": fwd, "total": total}), flush=True)


if __name__ == "__main__":
    main()
