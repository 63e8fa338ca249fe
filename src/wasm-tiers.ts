import { setFlagsFromString } from 'node:v8';

// undici parses HTTP with llhttp compiled to WebAssembly. V8's optimizing tier compiles its one
// large parser function on the first request, and that compile briefly takes about 30 MiB of
// memory: more than a whole streamed result costs. The baseline tier (Liftoff) parses the
// service's few small undici requests (submissions, cancels, heartbeats) just as well: page
// GETs go through the service's own reader. Set before anything compiles WebAssembly, which
// undici does as it loads, so this module is imported first.
setFlagsFromString('--liftoff-only');

/**
 * Runs `load` with V8's optimizing tier, then goes back to the baseline tier only. For a small
 * module whose hot loop needs it: on Liftoff the LZ4 blocks ran barely faster than the
 * JavaScript they replaced. It costs about a MiB, once, at start-up. V8 compiles a function on
 * its first call, so `load` must call the hot ones once.
 */
export function optimized<T>(load: () => T): T {
  setFlagsFromString('--no-liftoff-only');
  setFlagsFromString('--no-liftoff');
  try {
    return load();
  } finally {
    setFlagsFromString('--liftoff');
    setFlagsFromString('--liftoff-only');
  }
}
