"""PyTorch reference for the benchmark: the same BERT, adapters (Houlsby, Pfeiffer, LoRA r 8 on query and value), head
and training step as Adapter Lab's engine (post-LayerNorm BERT, exact GELU, dropout 0.1, mean pooling, AdapterHub head,
AdamW with weight decay 0.01, global-norm clipping), timed the same way (warm-up, repeats in a new random order each pass, medians of wall-clock and CPU time). Prints one JSON object.

Usage: python3 bench/reference.py --models tiny,mini --warmup 2 --repeats 5 --threads 1
"""
import argparse
import gc
import json
import math
import os
import random
import resource
import statistics
import time

import torch
from torch import nn

MODELS = {
    "tiny": dict(d=128, layers=2, heads=4, ffn=512, length=64, batch=32),
    "tiny-18": dict(d=128, layers=2, heads=4, ffn=512, length=18, batch=32),
    "mini": dict(d=256, layers=4, heads=4, ffn=1024, length=128, batch=16),
}
VOCAB, POSITIONS, LABELS, DROPOUT, REDUCTION = 8000, 128, 2, 0.1, 16


class Adapter(nn.Module):
    """Bottleneck adapter: h + up(relu(down(h))), up initialised to zero."""

    def __init__(self, d):
        super().__init__()
        self.down, self.up = nn.Linear(d, d // REDUCTION), nn.Linear(d // REDUCTION, d)
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, h):
        return h + self.up(torch.relu(self.down(h)))


class LoRA(nn.Module):
    """(x·A)·B·(alpha / r) beside a frozen linear layer; r = alpha = 8, B initialised to zero."""

    def __init__(self, d, r=8, alpha=8):
        super().__init__()
        self.lora_A = nn.Parameter(torch.empty(d, r).uniform_(-1 / math.sqrt(d), 1 / math.sqrt(d)))
        self.lora_B = nn.Parameter(torch.zeros(r, d))
        self.scaling = alpha / r

    def forward(self, x):
        return (x @ self.lora_A) @ self.lora_B * self.scaling


class Layer(nn.Module):
    def __init__(self, d, heads, ffn, method):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.ln1, self.ln2 = nn.LayerNorm(d, eps=1e-12), nn.LayerNorm(d, eps=1e-12)
        self.inner, self.outer = nn.Linear(d, ffn), nn.Linear(ffn, d)
        self.drop = nn.Dropout(DROPOUT)
        self.attn_adapter = Adapter(d) if method == "houlsby" else None
        self.out_adapter = Adapter(d) if method in ("houlsby", "pfeiffer") else None
        self.q_lora, self.v_lora = (LoRA(d), LoRA(d)) if method == "lora" else (None, None)

    def forward(self, x, mask):  # x [B, T, d], mask [B, 1, 1, T] additive
        b, t, d = x.shape
        dh = d // self.heads
        split = lambda z: z.view(b, t, self.heads, dh).transpose(1, 2)  # [B, H, T, dh]
        q, v = self.q(x), self.v(x)
        if self.q_lora:
            q, v = q + self.q_lora(x), v + self.v_lora(x)
        q, k, v = split(q), split(self.k(x)), split(v)
        probs = self.drop(torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh) + mask, dim=-1))
        ctx = (probs @ v).transpose(1, 2).reshape(b, t, d)
        a = self.drop(self.o(ctx))
        if self.attn_adapter:
            a = self.attn_adapter(a)
        h = self.ln1(a + x)
        f = self.drop(self.outer(nn.functional.gelu(self.inner(h))))
        if self.out_adapter:
            f = self.out_adapter(f)
        return self.ln2(f + h)


class Classifier(nn.Module):
    def __init__(self, m, method):
        super().__init__()
        d = m["d"]
        self.word, self.pos, self.token_type = nn.Embedding(VOCAB, d), nn.Embedding(POSITIONS, d), nn.Embedding(2, d)
        self.ln = nn.LayerNorm(d, eps=1e-12)
        self.drop = nn.Dropout(DROPOUT)
        self.layers = nn.ModuleList(Layer(d, m["heads"], m["ffn"], method) for _ in range(m["layers"]))
        self.head = nn.Sequential(nn.Dropout(DROPOUT), nn.Linear(d, d), nn.Tanh(), nn.Dropout(DROPOUT), nn.Linear(d, LABELS))

    def forward(self, ids, mask):
        t = ids.shape[1]
        h = self.drop(self.ln(self.word(ids) + self.pos.weight[:t] + self.token_type(torch.zeros_like(ids))))
        additive = (1.0 - mask[:, None, None, :]) * -1e9
        for layer in self.layers:
            h = layer(h, additive)
        pooled = (h * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True)
        return self.head(pooled)


def trained_parameters(model, kind):
    if kind == "full":
        return list(model.parameters())
    names = ("head.",) if kind == "head-only" else ("head.", "adapter", "lora")
    params = []
    for name, p in model.named_parameters():
        p.requires_grad_(any(n in name for n in names))
        if p.requires_grad:
            params.append(p)
    return params


def workloads(m):
    torch.manual_seed(0)
    ids = torch.randint(1, VOCAB, (m["batch"], m["length"]))
    mask = torch.ones(m["batch"], m["length"])
    labels = torch.randint(0, LABELS, (m["batch"],))
    loss_fn = nn.CrossEntropyLoss()

    def forward(method):
        model = Classifier(m, method).eval()

        def run():
            with torch.no_grad():
                model(ids, mask).sum().item()

        return run

    def step(kind, method):
        model = Classifier(m, method).train()
        params = trained_parameters(model, kind)
        optimizer = torch.optim.AdamW(params, lr=1e-5, weight_decay=0.01)

        def run():
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(ids, mask), labels)
            loss.backward()
            loss.item()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()

        return run

    return {
        "forward": forward(None),
        "forward+houlsby": forward("houlsby"),
        "forward+pfeiffer": forward("pfeiffer"),
        "forward+lora": forward("lora"),
        "full": step("full", None),
        "houlsby": step("adapter", "houlsby"),
        "pfeiffer": step("adapter", "pfeiffer"),
        "lora": step("adapter", "lora"),
        "head-only": step("head-only", None),
    }


def interleaved(runs, warmup, repeats):
    """Medians of wall-clock and process CPU milliseconds, as bench/measure.ts."""
    names = list(runs)
    wall, cpu = {n: [] for n in names}, {n: [] for n in names}
    order = random.Random(1)
    for rep in range(-warmup, repeats):
        for name in order.sample(names, len(names)):
            gc.collect()
            w0, c0 = time.perf_counter(), time.process_time()
            runs[name]()
            if rep >= 0:
                wall[name].append((time.perf_counter() - w0) * 1000)
                cpu[name].append((time.process_time() - c0) * 1000)
    return {n: {"wallMs": statistics.median(wall[n]), "cpuMs": statistics.median(cpu[n])} for n in names}


def blas_library():
    """The BLAS library torch calls, as loaded in this process (Debian picks it by alternatives: reference BLAS or OpenBLAS)."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and line.strip().endswith(".so.3") or "openblas" in line.lower()}
    resolved = sorted({os.path.realpath(p) for p in paths if p.startswith("/")})
    return ", ".join(resolved) or "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="tiny,mini")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    results = {name: interleaved(workloads(MODELS[name]), args.warmup, args.repeats) for name in args.models.split(",")}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    env = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    print(json.dumps({"torch": torch.__version__, "threads": args.threads, "blas": blas_library(), "env": env, "ms": results, "peakRssMb": peak_mb}))


if __name__ == "__main__":
    main()
