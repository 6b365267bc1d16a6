/**
 * Small, fast, seedable pseudo-random generator (mulberry32) for the tools' synthetic data: the same seed gives the
 * same sequence, so benchmarks measure the same batch and the demo generates the same records. Not for secrets.
 */
export function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
}
