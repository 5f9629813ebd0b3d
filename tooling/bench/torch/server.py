"""PyTorch's side of `pnpm bench`: times the same work nabla's cases time, in this process.

Two ways to run it (the caller sets OPENBLAS_NUM_THREADS and OPENBLAS_CORETYPE):
- `server.py serve THREADS`: answers one JSON request per stdin line with one JSON line.
  {"case": "matmul", "m", "n", "k", "aT", "bT"} -> {"ms": median milliseconds per product};
  {"case": "attention", "kind": "mha" | "sdpa", "B", "L", "E", "H"} -> {"ms": per forward + backward}.
- `server.py charlm THREADS CELL LAYERS HIDDEN`: one char-LM training step (embedding 64, the
  recurrent layers, a linear head over 65 characters, cross-entropy, Adam, clip 5) timed alone in
  a fresh process, so its peak memory is its own -> {"ms", "peak_rss_mb"}.
"""
import json
import resource
import statistics
import sys
import time

import torch


def median_ms(fn, min_seconds=0.5, min_samples=5):
    """Median milliseconds per call after a warm-up, over batches lasting ~min_seconds in all."""
    for _ in range(3):
        fn()
    t = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t, 1e-7)
    batch = max(1, round(min_seconds / 20 / one))
    samples = []
    spent = 0.0
    while spent < min_seconds or len(samples) < min_samples:
        t = time.perf_counter()
        for _ in range(batch):
            fn()
        dt = time.perf_counter() - t
        spent += dt
        samples.append(dt / batch * 1e3)
        if spent > 20 and len(samples) >= 1:
            break
    return statistics.median(samples)


def matmul(req):
    g = torch.Generator().manual_seed(1)
    m, n, k = req["m"], req["n"], req["k"]
    a = torch.randn(k, m, generator=g).t() if req.get("aT") else torch.randn(m, k, generator=g)
    b = torch.randn(n, k, generator=g).t() if req.get("bT") else torch.randn(k, n, generator=g)
    return {"ms": median_ms(lambda: torch.mm(a, b))}


def attention(req):
    """Self-attention forward + backward with a causal float mask: nn.MultiheadAttention
    (batch_first, need_weights=False) on x [B, L, E], or ("sdpa") softmax(q k^T / sqrt(d) + mask) v
    composed from matmul and softmax on q, k, v [B, H, L, E/H] (1.13 has no
    scaled_dot_product_attention)."""
    torch.manual_seed(1)
    B, L, E, H = req["B"], req["L"], req["E"], req["H"]
    mask = torch.full((L, L), float("-inf")).triu(1)
    if req["kind"] == "mha":
        m = torch.nn.MultiheadAttention(E, H, batch_first=True)
        x = torch.randn(B, L, E, requires_grad=True)

        def step():
            out, _ = m(x, x, x, attn_mask=mask, need_weights=False)
            out.sum().backward()

    else:
        d = E // H
        q, k, v = [torch.randn(B, H, L, d, requires_grad=True) for _ in range(3)]

        def step():
            s = q @ k.transpose(-1, -2) * d**-0.5 + mask
            (s.softmax(-1) @ v).sum().backward()

    return {"ms": median_ms(step)}


def charlm(cell, layers, hidden, vocab=65, embed=64, T=64, B=32):
    g = torch.Generator().manual_seed(1)
    torch.manual_seed(1)
    emb = torch.nn.Embedding(vocab, embed)
    rnn = (torch.nn.LSTM if cell == "lstm" else torch.nn.GRU)(embed, hidden, num_layers=layers)
    head = torch.nn.Linear(hidden, vocab)
    params = [*emb.parameters(), *rnn.parameters(), *head.parameters()]
    opt = torch.optim.Adam(params, lr=3e-3)
    tokens = torch.randint(0, vocab, (T + 1, B), generator=g)
    x, y = tokens[:-1], tokens[1:]

    def step():
        out, _ = rnn(emb(x))
        loss = torch.nn.functional.cross_entropy(head(out).reshape(T * B, vocab), y.reshape(T * B))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        opt.step()

    ms = median_ms(step, min_seconds=3, min_samples=5)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"ms": ms, "peak_rss_mb": peak}


def main():
    mode, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    if mode == "charlm":
        print(json.dumps(charlm(sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))), flush=True)
        return
    print(json.dumps({"ready": torch.__version__}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        cases = {"matmul": matmul, "attention": attention}
        fn = cases.get(req["case"])
        print(json.dumps(fn(req) if fn else {"error": "unknown case"}), flush=True)


if __name__ == "__main__":
    main()
