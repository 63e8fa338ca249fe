import { setFlagsFromString } from 'node:v8';

// undici parses HTTP with llhttp compiled to WebAssembly. V8's optimizing tier compiles its one
// large parser function on the first request, and that compile briefly takes about 30 MiB of
// memory: more than a whole streamed result costs. The baseline tier (Liftoff) parses the
// service's few small undici requests (submissions, cancels, heartbeats) just as well: page
// GETs go through the service's own reader. Set before anything compiles WebAssembly, which
// undici does as it loads, so this module is imported first.
setFlagsFromString('--liftoff-only');
