import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * A dependency loaded on its first use instead of at start-up, synchronously (Node ≥ 20.19 can
 * `require` ES modules). Start-up then pays only for what a command uses: msw, express, faker and
 * selfsigned together cost about 0.4 s of CPU to import, more than the rest of `cgsim run`'s start-up.
 */
export function lazyModule<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(specifier) as T;
    return loaded;
  };
}
