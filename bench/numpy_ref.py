"""NumPy references for bench/run.mjs. Usage:
  python3 numpy_ref.py overdamped WALKERS STEPS
  python3 numpy_ref.py wham PROBLEM.json ITERATIONS
Prints one JSON line."""
import json, sys, time
import numpy as np

def overdamped(walkers, steps):
    rng = np.random.default_rng(2024)
    kT, dt = 15.0, 1e-4
    A = np.array([-200., -100., -170., 15.]); a = np.array([-1., -1., -6.5, 0.7]); b = np.array([0., 0., 11., 0.6])
    c = np.array([-10., -10., -6.5, 0.7]); x0 = np.array([1., 0., -0.5, -1.]); y0 = np.array([0., 0.5, 1.5, 1.])
    x = np.full(walkers, -0.558); y = np.full(walkers, 1.442); noise = np.sqrt(2 * kT * dt)
    t0 = time.perf_counter()
    for _ in range(steps):
        dx = x[:, None] - x0; dy = y[:, None] - y0
        e = A * np.exp(a * dx * dx + b * dx * dy + c * dy * dy)
        fx = -(e * (2 * a * dx + b * dy)).sum(axis=1); fy = -(e * (b * dx + 2 * c * dy)).sum(axis=1)
        z = rng.standard_normal((2, walkers))
        x = x + dt * fx + noise * z[0]; y = y + dt * fy + noise * z[1]
    sec = time.perf_counter() - t0
    print(json.dumps({"walkerSteps": walkers * steps, "seconds": sec, "checksum": float(x.sum() + y.sum())}))

def lse(v, axis):
    m = v.max(axis=axis, keepdims=True)
    return (m + np.log(np.exp(v - m).sum(axis=axis, keepdims=True))).squeeze(axis)

def wham(path, iterations):
    p = json.load(open(path))
    H = np.array(p["histograms"]); centers = np.array(p["binCenters"]); wc = np.array(p["centers"]); ks = np.array(p["springs"])
    nb = H.sum(axis=0); act = nb > 0; H = H[:, act]; nb = nb[act]; x = centers[act]
    N = H.sum(axis=1); w = 0.5 * ks[:, None] * (x[None, :] - wc[:, None]) ** 2  # kT = 1
    logN = np.log(N); lognb = np.log(nb); g = np.zeros(len(N))
    t0 = time.perf_counter()
    for _ in range(iterations):
        lnP = lognb - lse(logN[:, None] + g[:, None] - w, 0)
        gn = -lse(lnP[None, :] - w, 1); g = gn - gn[0]
    sec = time.perf_counter() - t0
    print(json.dumps({"iterations": iterations, "seconds": sec, "f": g.tolist()}))

if __name__ == "__main__":
    if sys.argv[1] == "overdamped":
        overdamped(int(sys.argv[2]), int(sys.argv[3]))
    else:
        wham(sys.argv[2], int(sys.argv[3]))
