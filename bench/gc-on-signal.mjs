// Preloaded into the benchmarked servers (`node --expose-gc --import ./bench/gc-on-signal.mjs …`): SIGUSR2
// forces a full garbage collection, so RSS per idle subscription is read after one (bench/fanout.mjs).
process.on("SIGUSR2", () => globalThis.gc?.());
