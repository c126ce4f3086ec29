"""NumPy reference for bench/suites/metad.mjs: the same grid-bias metadynamics step on Muller-Brown
(Euler-Maruyama + bicubic Hermite interpolation of a prefilled 2D bias grid with V, dV/dx, dV/dy,
d2V/dxdy), vectorised over walkers. Prints {"walkerSteps", "seconds", "checksum"} as JSON."""
import json, sys, time
import numpy as np

walkers, steps = int(sys.argv[1]), int(sys.argv[2])
A = np.array([-200, -100, -170, 15.0]); a = np.array([-1, -1, -6.5, 0.7]); b = np.array([0, 0, 11, 0.6])
c = np.array([-10, -10, -6.5, 0.7]); x0 = np.array([1, 0, -0.5, -1.0]); y0 = np.array([0, 0.5, 1.5, 1.0])
lo = np.array([-1.7, -0.7]); hi = np.array([1.3, 2.3]); bins = 60; h = (hi - lo) / bins; n = bins + 1
gx = lo[0] + h[0] * np.arange(n); gy = lo[1] + h[1] * np.arange(n)
# Prefilled bias: 200 hills of height 1.5, sigma 0.1 (values and analytic derivatives).
rng = np.random.default_rng(1)
cx = rng.uniform(-1.2, 1.0, 200); cy = rng.uniform(-0.3, 1.8, 200); s2 = 0.01
X = gx[:, None, None] - cx; Y = gy[None, :, None] - cy
ex = np.exp(-X**2 / (2 * s2)); ey = np.exp(-Y**2 / (2 * s2))
V = 1.5 * (ex * ey).sum(-1); Vx = 1.5 * (-X / s2 * ex * ey).sum(-1); Vy = 1.5 * (ex * -Y / s2 * ey).sum(-1); Vxy = 1.5 * (X * Y / s2**2 * ex * ey).sum(-1)

def hermite(t):
    return (2*t-3)*t*t+1, ((t-2)*t+1)*t, (3-2*t)*t*t, (t-1)*t*t, 6*t*(t-1), (3*t-4)*t+1, 6*t*(1-t), (3*t-2)*t

def bias_grad(px, py):
    u = np.clip((px - lo[0]) / h[0], 0, bins); v = np.clip((py - lo[1]) / h[1], 0, bins)
    i = np.minimum(u.astype(int), bins - 1); j = np.minimum(v.astype(int), bins - 1); tx = u - i; ty = v - j
    A0, B0, A1, B1, dA0, dB0, dA1, dB1 = hermite(tx); C0, E0, C1, E1, dC0, dE0, dC1, dE1 = hermite(ty)
    B0 *= h[0]; B1 *= h[0]; E0 *= h[1]; E1 *= h[1]; dA0 /= h[0]; dA1 /= h[0]; dC0 /= h[1]; dC1 /= h[1]
    gxx = 0; gyy = 0
    for p, (ai, bi, dai, dbi) in enumerate([(A0, B0, dA0, dB0), (A1, B1, dA1, dB1)]):
        for q, (cj, ej, dcj, dej) in enumerate([(C0, E0, dC0, dE0), (C1, E1, dC1, dE1)]):
            k = (i + p, j + q)
            v_, x_, y_, xy_ = V[k], Vx[k], Vy[k], Vxy[k]
            gxx = gxx + dai * (cj * v_ + ej * y_) + dbi * (cj * x_ + ej * xy_)
            gyy = gyy + ai * (dcj * v_ + dej * y_) + bi * (dcj * x_ + dej * xy_)
    return gxx, gyy

kT, dt = 15.0, 1e-4
px = np.full(walkers, -0.558); py = np.full(walkers, 1.442)
noise = np.sqrt(2 * kT * dt); g = np.random.default_rng(2)
t0 = time.perf_counter()
for _ in range(steps):
    dx = px[:, None] - x0; dy = py[:, None] - y0
    e = A * np.exp(a * dx * dx + b * dx * dy + c * dy * dy)
    fx = -(e * (2 * a * dx + b * dy)).sum(1); fy = -(e * (b * dx + 2 * c * dy)).sum(1)
    bx, by = bias_grad(px, py)
    px = px + (fx - bx) * dt + noise * g.standard_normal(walkers)
    py = py + (fy - by) * dt + noise * g.standard_normal(walkers)
sec = time.perf_counter() - t0
print(json.dumps({"walkerSteps": walkers * steps, "seconds": sec, "checksum": float(np.mean(px))}))
