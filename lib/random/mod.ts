/**
 * Seeded randomness for medkd. Everything random takes an explicit seed or {@link Rng}.
 * @module
 */
export { createRng, hashString, Rng } from "./rng.ts";
