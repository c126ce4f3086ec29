"""Training steps/s of the same conditional score network in PyTorch on CPU, one thread.

Mirrors src-main/engine/generative (score.ts, mlp.ts): first layer split by input group
(x_t, cond, 2F Fourier time features) = one Linear on their concatenation, SiLU hidden layers,
epsilon-prediction DSM loss under the VP-SDE (beta 0.1..20), stratified t, Adam.
Usage: python3 torch_score_bench.py X_DIM COND_DIM HIDDEN(comma) BATCH STEPS -> JSON on stdout.
Used by bench/suites/generative.mjs as the reference in the same run.
"""
import json
import math
import sys
import time

import torch

torch.set_num_threads(1)
x_dim, c_dim = int(sys.argv[1]), int(sys.argv[2])
hidden = [int(h) for h in sys.argv[3].split(',')]
batch, steps = int(sys.argv[4]), int(sys.argv[5])
freqs = torch.tensor([0.25, 0.5, 1, 2, 4, 8, 16, 32])
beta_min, beta_max, t_eps = 0.1, 20.0, 1e-3

layers = []
width = x_dim + c_dim + 2 * len(freqs)
for h in hidden:
    layers += [torch.nn.Linear(width, h), torch.nn.SiLU()]
    width = h
layers.append(torch.nn.Linear(width, x_dim))
net = torch.nn.Sequential(*layers)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
torch.manual_seed(0)
n = 4096
x0_all = torch.randn(n, x_dim)
c_all = torch.randn(n, c_dim)


def step(i):
    idx = torch.randint(0, n, (batch,))
    x0, c = x0_all[idx], c_all[idx]
    t = t_eps + (1 - t_eps) * ((torch.rand(1) + torch.arange(batch) / batch) % 1)
    ab = torch.exp(-(beta_min * t + 0.5 * (beta_max - beta_min) * t * t))[:, None]
    eps = torch.randn(batch, x_dim)
    xt = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
    a = 2 * math.pi * t[:, None] * freqs[None, :]
    emb = torch.cat([torch.sin(a), torch.cos(a)], 1)
    loss = ((net(torch.cat([xt, c, emb], 1)) - eps) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


for i in range(20):  # warm-up
    step(i)
best = float('inf')
best_cpu = float('inf')
for rep in range(3):
    t0 = time.perf_counter()
    c0 = time.process_time()
    for i in range(steps):
        last = step(i)
    best = min(best, time.perf_counter() - t0)
    best_cpu = min(best_cpu, time.process_time() - c0)
# cpuSeconds: CPU time of this process (robust when other work shares the cores).
print(json.dumps({'steps': steps, 'seconds': best, 'cpuSeconds': best_cpu, 'loss': last, 'torch': torch.__version__, 'threads': torch.get_num_threads()}))
