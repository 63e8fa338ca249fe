import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/** Every Markdown file git tracks (so never node_modules, .cache or a run's output). */
function markdownFiles(): string[] {
  return execFileSync('git', ['ls-files', '*.md'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.length > 0);
}

/** Relative link targets of a Markdown text: `[text](target)` and `![alt](target)`. */
function relativeLinks(text: string): string[] {
  const withoutCode = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const targets = [...withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]);
  return targets
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#'))
    .map((t) => decodeURIComponent(t.split('#')[0]));
}

describe('Markdown links', () => {
  it('finds relative links and skips URLs, anchors and code', () => {
    const text =
      '[a](docs/a.md) ![b](../b.svg "t") [c](https://x.test/y) [d](#top) [e](f.md#part) `[g](no.md)`\n```\n[h](no.md)\n```';
    expect(relativeLinks(text)).toEqual(['docs/a.md', '../b.svg', 'f.md']);
  });

  it.each(markdownFiles())('%s links only to files that exist', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const missing = relativeLinks(text).filter((t) => !existsSync(join(ROOT, dirname(file), t)));
    expect(missing).toEqual([]);
  });
});
