import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { descriptors, memory } from './service-process';

/** The preload that makes the service write its own heap figures (see memory-probe.js). */
export const MEMORY_PROBE = join(__dirname, 'memory-probe.js');

export interface Sample {
  t: number;
  rss: number;
  fds: number;
  sockets: number;
}

export interface HeapSample {
  t: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
}

/** The heap left after a full collection (the probe's MEMORY_PROBE_GC_MS lines). */
export interface LiveHeapSample {
  t: number;
  liveHeap: number;
}

/** Samples a process's resident size, fds and sockets from /proc every `everyMs`. */
export class ProcSampler {
  readonly samples: Sample[] = [];
  private timer?: NodeJS.Timeout;

  constructor(private readonly pid: number) {}

  start(everyMs: number): this {
    this.take();
    this.timer = setInterval(() => this.take(), everyMs);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.take();
  }

  take(): Sample | undefined {
    try {
      const s = { t: Date.now(), rss: memory(this.pid).rss, ...descriptors(this.pid) };
      this.samples.push(s);
      return s;
    } catch {
      return undefined; // the process is gone; the suite notices that on its own
    }
  }

  peak(key: 'rss' | 'fds' | 'sockets'): number {
    return Math.max(...this.samples.map((s) => s[key]));
  }
}

function probeLines(file: string): Record<string, number>[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, number>);
}

/** The heap lines the memory probe wrote so far. */
export function heapSamples(file: string): HeapSample[] {
  return probeLines(file).filter((l) => 'heapUsed' in l) as unknown as HeapSample[];
}

/** The after-a-full-collection lines the memory probe wrote so far. */
export function liveHeapSamples(file: string): LiveHeapSample[] {
  return probeLines(file).filter((l) => 'liveHeap' in l) as unknown as LiveHeapSample[];
}
