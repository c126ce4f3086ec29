#!/usr/bin/env python3
"""Reference diffusion maps (NumPy/SciPy) for test/fixtures/dmap/*.json.

Implements the recipe documented in src-main/engine/cv/epsilon.ts and dmap.ts independently:
automatic epsilon (64-point log grid, max central-difference slope of ln sum_ij K_ij, parabolic
refinement, nearest-neighbour floor), alpha-normalisation, symmetric conjugate, scipy.linalg.eigh,
psi = v / sqrt(pi), coordinates lambda^t psi. Eigenvector signs are left as eigh returns them
(tests compare up to sign).

Run: /usr/bin/python3 scripts/reference/dmap_reference.py   (writes test/fixtures/dmap/)
Also used by bench/suites/dmap.mjs:  dmap_reference.py bench FILE.npy K EPSILON  -> JSON timings.
"""
import json
import os
import sys
import time

import numpy as np
from scipy.linalg import eigh
from scipy.spatial.distance import pdist, squareform

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'dmap')


def choose_epsilon(X):
    d2 = pdist(X, 'sqeuclidean')
    n = X.shape[0]
    hi = d2.max()
    lo = max(d2[d2 > 0].min(), hi * 1e-12)
    G = 64
    step = (np.log(hi) - np.log(lo)) / (G - 1)
    grid = np.exp(np.log(lo) + step * np.arange(G))
    log_sum = np.array([np.log(n + 2 * np.exp(-d2 / e).sum()) for e in grid])
    slope = np.full(G, np.nan)
    slope[1:-1] = (log_sum[2:] - log_sum[:-2]) / (2 * step)
    best = 1 + int(np.argmax(slope[1:-1]))
    offset = 0.0
    if 1 < best < G - 2:
        y0, y1, y2 = slope[best - 1], slope[best], slope[best + 1]
        den = y0 - 2 * y1 + y2
        if den < 0:
            offset = max(-1.0, min(1.0, 0.5 * (y0 - y2) / den))
    eps_slope = float(np.exp(np.log(lo) + (best + offset) * step))
    D = squareform(d2)
    np.fill_diagonal(D, np.inf)
    floor = float(D.min(axis=1).max())
    return max(eps_slope, floor), eps_slope, floor


def dmap(X, K, eps=None, alpha=1.0, t=1.0):
    scan = None
    if eps is None:
        eps, eps_slope, floor = choose_epsilon(X)
        scan = {'maxSlopeEpsilon': eps_slope, 'nearestNeighbourFloor': floor}
    W = np.exp(-squareform(pdist(X, 'sqeuclidean')) / eps)
    q = W.sum(axis=1)
    Wt = W / np.outer(q ** alpha, q ** alpha)
    d = Wt.sum(axis=1)
    A = Wt / np.sqrt(np.outer(d, d))
    vals, vecs = eigh(A)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    pi = d / d.sum()
    psi = vecs / np.sqrt(pi)[:, None]
    lam = vals[1:K + 1]
    coords = psi[:, 1:K + 1] * lam ** t
    return eps, lam, coords, scan, vals


def embedded_points(n, rng, a=1.0, s=0.1, c=0.5, kappa=1.0, angle=0.7):
    xs = []
    L = np.sqrt(1 + np.sqrt(40 / a))
    while len(xs) < n:
        x = rng.uniform(-L, L)
        if rng.uniform() < np.exp(-a * (x * x - 1) ** 2):
            xs.append(x)
    x = np.array(xs)
    y = c * np.sin(np.pi * x) + s * rng.standard_normal(n)
    u = np.c_[x, y, kappa * x * x]
    k = np.ones(3) / np.sqrt(3)
    Kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    R = np.cos(angle) * np.eye(3) + np.sin(angle) * Kx + (1 - np.cos(angle)) * np.outer(k, k)
    return x, u @ R.T


def write(name, obj):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(obj, f)
    print('wrote', name)


def fixtures():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240611)
    x, X = embedded_points(200, rng)
    eps, lam, coords, scan, _ = dmap(X, 4)
    write('embedded_200_auto.json', {
        'description': '200 embedded fast/slow points (a=1, s=0.1, c=0.5 sin, kappa=1, angle=0.7), alpha=1, automatic epsilon, K=4',
        'points': X.tolist(), 'slow': x.tolist(), 'alpha': 1.0, 'components': 4,
        'epsilon': eps, 'maxSlopeEpsilon': scan['maxSlopeEpsilon'], 'nearestNeighbourFloor': scan['nearestNeighbourFloor'],
        'eigenvalues': lam.tolist(), 'coordinates': coords.tolist()})
    # A 2-D noisy annulus, alpha = 0.5, fixed epsilon: exercises Lanczos (forced) against eigh.
    th = rng.uniform(0, 2 * np.pi, 400)
    r = 1 + 0.1 * rng.standard_normal(400)
    Y = np.c_[r * np.cos(th), r * np.sin(th)]
    eps, lam, coords, _, _ = dmap(Y, 5, eps=0.05, alpha=0.5, t=2.0)
    write('annulus_400_alpha05.json', {
        'description': '400 points of a noisy unit annulus, alpha=0.5, epsilon=0.05, t=2, K=5',
        'points': Y.tolist(), 'alpha': 0.5, 'epsilon': 0.05, 't': 2.0, 'components': 5,
        'eigenvalues': lam.tolist(), 'coordinates': coords.tolist()})


def bench(path, K, eps):
    """Timings of the same problem as the engine: epsilon scan (first 1000 points, the engine
    uses a seeded subset of the same size) + nearest-neighbour floor over all points, then the
    kernel, alpha = 1 normalisation and scipy.sparse.linalg.eigsh (ARPACK) at the engine's epsilon."""
    from scipy.sparse.linalg import eigsh
    X = np.load(path)
    t0 = time.perf_counter()
    d2 = squareform(pdist(X, 'sqeuclidean'))
    t1 = time.perf_counter()
    choose_epsilon(X[:1000])
    t2 = time.perf_counter()
    W = np.exp(-d2 / eps)
    q = W.sum(axis=1)
    W /= np.outer(q, q)
    d = W.sum(axis=1)
    s = 1 / np.sqrt(d)
    W *= np.outer(s, s)
    t3 = time.perf_counter()
    vals, vecs = eigsh(W, k=K + 1, which='LA', tol=1e-11)
    t4 = time.perf_counter()
    order = np.argsort(vals)[::-1]
    print(json.dumps({'eigenvalues': vals[order][1:].tolist(), 'secondsDistances': t1 - t0, 'secondsEpsilon': t2 - t1,
                      'secondsKernel': t3 - t2, 'secondsEigen': t4 - t3}))


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == 'bench':
        bench(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        fixtures()
