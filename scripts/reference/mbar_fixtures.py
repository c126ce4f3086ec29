#!/usr/bin/python3
"""Reference numbers for test/engine/mbar.test.ts and autocorr.test.ts, computed with pymbar.

Run: /usr/bin/python3 scripts/reference/mbar_fixtures.py   (writes test/fixtures/mbar/*.json)

Deterministic data (numpy seeds below):
  * double-well: V = (x^2 - 1)^2, kT = 1, 7 windows, exact independent samples of
    exp(-(V + W_k)/kT) by rejection from the window Gaussian (accept with exp(-V/kT)).
  * periodic: V = 1.5 (1 + cos x) on [-pi, pi), kT = 0.8, 8 windows, minimum-image bias.
  * grid2d: V = (x^2 - 1)^2 + 0.5 y^2 with periodic y on [-3, 3), 3 x 3 windows, 2D bins.
  * timeseries: AR(1) series for pymbar.timeseries.statisticalInefficiency and subsampling.
MBAR: u_kn = W_k(x_n) / kT (the unbiased potential cancels at a single temperature); PMF by
computePMF(u_n = 0, uncertainties='from-lowest') on the non-empty bins (pymbar refuses empty ones).
"""
import json, os, math
import numpy as np
import pymbar
from pymbar import timeseries

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures', 'mbar')
try:
    from importlib.metadata import version
    PYMBAR_VERSION = version('pymbar')
except Exception:
    PYMBAR_VERSION = 'unknown'


def min_image(d, period):
    return d if period is None else d - period * np.round(d / period)


def sample_window(rng, V, kT, centers, springs, n, periods):
    """Exact samples of exp(-(V + sum 0.5 k d^2)/kT) (V >= 0) by rejection from the window Gaussian."""
    D = len(centers)
    out = np.zeros((n, D))
    i = 0
    while i < n:
        d = rng.normal(size=D) * np.sqrt(kT / np.array(springs))
        if any(p is not None and abs(d[a]) > p / 2 for a, p in enumerate(periods)):
            continue
        x = np.array(centers) + d
        if rng.uniform() < math.exp(-V(x) / kT):
            out[i] = x
            i += 1
    return out


def bin_index(x, lo, hi, nb, periodic):
    width = (hi - lo) / nb
    if periodic:
        x = x - (hi - lo) * np.floor((x - lo) / (hi - lo))
    elif x < lo or x > hi:
        return -1
    b = int(math.floor((x - lo) / width))
    return min(max(b, 0), nb - 1)


def run_case(name, V, kT, centers, springs, n, axes, seed):
    rng = np.random.default_rng(seed)
    periods = [(a['max'] - a['min']) if a['periodic'] else None for a in axes]
    samples = [sample_window(rng, V, kT, c, s, n, periods) for c, s in zip(centers, springs)]
    X = np.concatenate(samples)
    K, N = len(centers), len(X)
    u_kn = np.zeros((K, N))
    for k in range(K):
        e = np.zeros(N)
        for a in range(len(axes)):
            d = min_image(X[:, a] - centers[k][a], periods[a])
            e += 0.5 * springs[k][a] * d * d
        u_kn[k] = e / kT
    N_k = np.array([n] * K)
    mbar = pymbar.MBAR(u_kn, N_k, solver_tolerance=1e-13, relative_tolerance=1e-13)
    res = mbar.getFreeEnergyDifferences(return_dict=True)
    grad = pymbar.mbar_solvers.mbar_gradient(u_kn, N_k, mbar.f_k)
    # Flat bin index, first axis slowest.
    nbins = int(np.prod([a['bins'] for a in axes]))
    flat = np.full(N, -1)
    for i in range(N):
        b = 0
        for a, ax in enumerate(axes):
            bi = bin_index(X[i, a], ax['min'], ax['max'], ax['bins'], ax['periodic'])
            if bi < 0:
                b = -1
                break
            b = b * ax['bins'] + bi
        flat[i] = b
    used = sorted(set(flat[flat >= 0].tolist()))
    remap = {b: j for j, b in enumerate(used)}
    inside = flat >= 0
    bin_n = np.array([remap[b] for b in flat[inside]])
    # Samples outside the range: give them a bin of their own at the end so pymbar accepts them,
    # then drop it (its presence does not change the other bins' free energies or errors).
    extra = int((~inside).sum())
    bn = np.full(N, len(used))
    bn[inside] = bin_n
    nb_total = len(used) + (1 if extra else 0)
    pmf_res = mbar.computePMF(np.zeros(N), bn, nb_total, uncertainties='from-lowest', return_dict=True)
    f_i, df_i = pmf_res['f_i'], pmf_res['df_i']
    if extra:
        lowest = int(np.argmin(f_i[:-1]))
        assert lowest == int(np.argmin(f_i)), 'the outside bin must not be the lowest'
    pmf = [None] * nbins
    dpmf = [None] * nbins
    for b, j in remap.items():
        pmf[b] = float(f_i[j])
        dpmf[b] = float(df_i[j])
    data = {
        'name': name,
        'pymbarVersion': PYMBAR_VERSION,
        'kT': kT,
        'axes': axes,
        'windows': [{'centers': list(map(float, c)), 'springs': list(map(float, s)),
                     'samples': [list(map(float, smp[:, a])) for a in range(len(axes))]}
                    for c, s, smp in zip(centers, springs, samples)],
        'f_k': list(map(float, res['Delta_f'][0])),
        'df_k': list(map(float, res['dDelta_f'][0])),
        'pmf': pmf,
        'dpmf': dpmf,
        'gradientNorm': float(np.max(np.abs(grad / N_k))),
    }
    with open(os.path.join(OUT, f'{name}.json'), 'w') as fh:
        json.dump(data, fh, separators=(',', ':'))
    print(name, 'K', K, 'N', N, 'f_k', np.round(res['Delta_f'][0], 4), 'grad', data['gradientNorm'])


def timeseries_case():
    rng = np.random.default_rng(11)
    cases = []
    for phi, n, fast in [(0.9, 3000, False), (0.5, 2000, False), (0.95, 4000, True), (0.0, 1500, False)]:
        a = np.zeros(n)
        for t in range(1, n):
            a[t] = phi * a[t - 1] + rng.normal()
        a += 3.0
        g = timeseries.statisticalInefficiency(a, fast=fast)
        idx = timeseries.subsampleCorrelatedData(a, g=g)
        cases.append({'phi': phi, 'fast': fast, 'series': list(map(float, a)), 'g': float(g), 'indices': list(map(int, idx))})
        print('timeseries phi', phi, 'g', g, 'kept', len(idx))
    with open(os.path.join(OUT, 'timeseries.json'), 'w') as fh:
        json.dump({'pymbarVersion': PYMBAR_VERSION, 'cases': cases}, fh, separators=(',', ':'))


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    dw = lambda x: (x[0] ** 2 - 1) ** 2
    cs = np.linspace(-1.5, 1.5, 7)
    run_case('double-well', dw, 1.0, [[c] for c in cs], [[20.0]] * 7, 600,
             [{'bins': 36, 'min': -1.8, 'max': 1.8, 'periodic': False}], 1)
    per = lambda x: 1.5 * (1 + math.cos(x[0]))
    cs = -math.pi + 2 * math.pi * np.arange(8) / 8
    run_case('periodic', per, 0.8, [[c] for c in cs], [[6.0]] * 8, 500,
             [{'bins': 24, 'min': -math.pi, 'max': math.pi, 'periodic': True}], 2)
    v2 = lambda x: (x[0] ** 2 - 1) ** 2 + 0.5 * math.sin(x[1] * math.pi / 3) ** 2
    centers2 = [[cx, cy] for cx in (-1.0, 0.0, 1.0) for cy in (-2.0, 0.0, 2.0)]
    run_case('grid2d', v2, 1.0, centers2, [[8.0, 2.0]] * 9, 300,
             [{'bins': 10, 'min': -2.0, 'max': 2.0, 'periodic': False}, {'bins': 6, 'min': -3.0, 'max': 3.0, 'periodic': True}], 3)
    timeseries_case()
