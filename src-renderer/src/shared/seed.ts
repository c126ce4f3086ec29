/** Largest seed the engine's generator accepts (the seed fields' upper bound). */
export const MAX_SEED = 2 ** 31 - 1;

/** A fresh random seed in 0 … MAX_SEED for a new run form (the run records it, so it reproduces). */
export function randomSeed(): number {
  // Math.random() < 1, so the product stays below MAX_SEED + 1 and the floor is at most MAX_SEED.
  return Math.floor(Math.random() * (MAX_SEED + 1));
}
