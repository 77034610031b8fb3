/**
 * Loaded before every test file (bunfig.toml [test] preload). Property-based tests use a fixed
 * seed, so a run is repeatable and CI does not fail on a sequence no one can replay; set
 * FC_SEED=<n> to try another seed, or FC_SEED=random for a fresh one each run (the seed of a
 * failure is printed with it).
 */
import fc from "fast-check";

const seed = process.env.FC_SEED;
if (seed !== "random") fc.configureGlobal({ seed: seed === undefined ? 20261125 : Number(seed) });
