"""Delta-F(C7ax - C7eq)(t) of liftwell metadynamics runs on alanine dipeptide, from their HILLS.

The estimate a run reports at time t is F_t = -V_t (PLUMED-style HILLS heights are already scaled
by gamma / (gamma - 1); checked: the rebuilt final grid matches the run's fes.npy to ~1e-7 kJ/mol).
Basins here are discs of 45 degrees around the C7ax (70, -70) and C7eq (-80, 70) reference points
(docs/coupling-alanine.md: within ~0.2 kJ/mol of the watershed basins on the reference grids).
Also prints how often each run changed phi side (C7ax side: 0 < phi < 2.2 rad; 20-frame smoothing).
Diagnostic only (development): docs/coupling-alanine.md has what it showed.

Usage: /usr/bin/python3 scripts/reference/ala2_deltaf_time_series.py T1,T2,...(ps) RUN_DIR...
"""
import json
import sys

import numpy as np

KT = 0.0083144626 * 300
DEG = 180 / np.pi


def wrap(d):
    return (d + np.pi) % (2 * np.pi) - np.pi


def time_series(run, times_ps):
    h = np.loadtxt(run + '/HILLS', comments='#')
    t, phi, psi, sphi, spsi, height = h[:, 0], h[:, 1], h[:, 2], h[:, 3], h[:, 4], h[:, 5]
    ax = np.array(json.load(open(run + '/result.json'))['fes']['axes'][0])
    P, Q = np.meshgrid(ax, ax, indexing='ij')
    c7ax = np.hypot(wrap(P - 70 / DEG), wrap(Q + 70 / DEG)) * DEG <= 45
    c7eq = np.hypot(wrap(P + 80 / DEG), wrap(Q - 70 / DEG)) * DEG <= 45
    V = np.zeros_like(P)
    k, out = 0, []
    for T in times_ps:
        while k < len(t) and t[k] <= T:
            V += height[k] * np.exp(-0.5 * (wrap(P - phi[k]) / sphi[k]) ** 2 - 0.5 * (wrap(Q - psi[k]) / spsi[k]) ** 2)
            k += 1
        F = -V - (-V).min()
        p = np.exp(-F / KT)
        out.append(-KT * np.log(p[c7ax].sum() / p[c7eq].sum()))
    final = np.load(run + '/fes.npy')
    F = -V - (-V).min()
    ok = np.isfinite(final)
    mismatch = float(np.abs(F[ok] - final[ok]).max()) if k == len(t) else None
    cv = np.loadtxt(run + '/COLVAR', comments='#')
    side = ((cv[:, 1] > 0) & (cv[:, 1] < 2.2)).astype(float)
    smooth = (np.convolve(side, np.ones(20) / 20, mode='valid') > 0.5).astype(int)
    return out, mismatch, int(np.abs(np.diff(smooth)).sum()), cv[-1, 0]


if __name__ == '__main__':
    times = [float(x) for x in sys.argv[1].split(',')]
    print('run', *[f'{x:g} ps' for x in times], sep='\t')
    for run in sys.argv[2:]:
        values, mismatch, changes, end = time_series(run, times)
        print(run.rstrip('/').split('/')[-1], *[f'{x:.2f}' for x in values],
              f'(final grid vs fes.npy: {mismatch if mismatch is None else f"{mismatch:.1e}"}; {changes} phi-side changes in {end:.0f} ps)', sep='\t')
