/*
 * Reference kernel for bench/run.mjs: overdamped Langevin (Euler-Maruyama) on the Muller-Brown
 * potential, the same algorithm as src-main/engine/integrators/overdamped.ts:
 *   xoshiro128** per walker seeded by SplitMix64 from (seed, stream = walker), 53-bit uniforms,
 *   Marsaglia polar normals with a cached spare, walker-major loop over steps,
 *   x += m F dt + sqrt(2 kT m dt) N(0,1).
 * Usage: overdamped_mb WALKERS STEPS  -> prints "walker_steps seconds checksum"
 * Build: cc -O2 -o overdamped_mb overdamped_mb.c -lm
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct { uint32_t s[4]; int has_spare; double spare; } rng_t;

static inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
static inline uint32_t next_u32(rng_t *r) {
  uint32_t *s = r->s;
  const uint32_t result = rotl(s[1] * 5, 7) * 9;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 11);
  return result;
}
static inline double uniform(rng_t *r) {
  uint32_t a = next_u32(r) >> 5, b = next_u32(r) >> 6;
  return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}
static inline double normal(rng_t *r) {
  if (r->has_spare) { r->has_spare = 0; return r->spare; }
  double u, v, s;
  do { u = 2 * uniform(r) - 1; v = 2 * uniform(r) - 1; s = u * u + v * v; } while (s >= 1 || s == 0);
  double m = sqrt(-2 * log(s) / s);
  r->spare = v * m; r->has_spare = 1;
  return u * m;
}
static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static void rng_seed(rng_t *r, uint64_t seed, uint64_t stream) {
  uint64_t sm = seed;
  uint64_t z = splitmix64(&sm);
  sm = z ^ (stream * 0xd1b54a32d192ed03ULL);
  uint64_t a = splitmix64(&sm), b = splitmix64(&sm);
  r->s[0] = (uint32_t)a; r->s[1] = (uint32_t)(a >> 32); r->s[2] = (uint32_t)b; r->s[3] = (uint32_t)(b >> 32);
  if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3])) r->s[0] = 1;
  r->has_spare = 0; r->spare = 0;
}

static inline double mb_force(double px, double py, double *fx, double *fy) {
  double v = 0, gx = 0, gy = 0, dx, dy, e;
  dx = px - 1; dy = py; e = -200 * exp(-dx * dx - 10 * dy * dy);
  v += e; gx -= e * (-2 * dx); gy -= e * (-20 * dy);
  dx = px; dy = py - 0.5; e = -100 * exp(-dx * dx - 10 * dy * dy);
  v += e; gx -= e * (-2 * dx); gy -= e * (-20 * dy);
  dx = px + 0.5; dy = py - 1.5; e = -170 * exp(-6.5 * dx * dx + 11 * dx * dy - 6.5 * dy * dy);
  v += e; gx -= e * (-13 * dx + 11 * dy); gy -= e * (11 * dx - 13 * dy);
  dx = px + 1; dy = py - 1; e = 15 * exp(0.7 * dx * dx + 0.6 * dx * dy + 0.7 * dy * dy);
  v += e; gx -= e * (1.4 * dx + 0.6 * dy); gy -= e * (0.6 * dx + 1.4 * dy);
  *fx = gx; *fy = gy;
  return v;
}

int main(int argc, char **argv) {
  int walkers = argc > 1 ? atoi(argv[1]) : 64;
  long steps = argc > 2 ? atol(argv[2]) : 100000;
  const double kT = 15, dt = 1e-4, drift = dt, noise = sqrt(2 * kT * dt);
  double *pos = malloc(sizeof(double) * 2 * walkers);
  rng_t *rng = malloc(sizeof(rng_t) * walkers);
  for (int w = 0; w < walkers; w++) { pos[2 * w] = -0.558; pos[2 * w + 1] = 1.442; rng_seed(&rng[w], 2024, (uint64_t)w); }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int w = 0; w < walkers; w++) {
    double x = pos[2 * w], y = pos[2 * w + 1], fx, fy;
    rng_t *r = &rng[w];
    for (long s = 0; s < steps; s++) {
      double v = mb_force(x, y, &fx, &fy);
      if (v - v != 0) { fprintf(stderr, "diverged\n"); return 1; }
      x += drift * fx + noise * normal(r);
      y += drift * fy + noise * normal(r);
    }
    pos[2 * w] = x; pos[2 * w + 1] = y;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double sec = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
  double sum = 0;
  for (int i = 0; i < 2 * walkers; i++) sum += pos[i];
  printf("%ld %.6f %.17g\n", (long)walkers * steps, sec, sum);
  return 0;
}
