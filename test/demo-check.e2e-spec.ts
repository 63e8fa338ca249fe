/**
 * `npm run demo -- --check` can fail: the demo's own commands (scripts/demo-commands.sh)
 * against a running app pass scripts/demo-check.sh, and the same commands with one broken on
 * purpose fail it, naming that command.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startApp, type RunningApp } from './support/app';
import { IDP_ISSUER } from './support/env';

const ROOT = join(__dirname, '..');
const run = promisify(execFile);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

describe('the demo check', () => {
  let app: RunningApp;
  let dir: string;
  let checks: string;

  beforeAll(async () => {
    app = await startApp();
    dir = mkdtempSync(join(tmpdir(), 'demo-check-'));
    const commands = join(dir, 'commands.sh');
    checks = join(dir, 'checks.sh');
    await run('bash', [
      join(ROOT, 'scripts/demo-commands.sh'),
      app.url,
      IDP_ISSUER,
      ROOT,
      commands,
      checks,
    ]);
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the check on the commands with `from` replaced by `to` (once; it must be there). */
  async function check(from?: string, to = ''): Promise<Outcome> {
    let file = checks;
    if (from !== undefined) {
      const text = readFileSync(checks, 'utf8');
      expect(text).toContain(from);
      file = join(dir, 'broken.sh');
      writeFileSync(file, text.replace(from, to));
    }
    try {
      const { stdout, stderr } = await run('bash', [
        join(ROOT, 'scripts/demo-check.sh'),
        file,
        join(dir, 'work'),
      ]);
      return { code: 0, stdout, stderr };
    } catch (e) {
      const { code, stdout, stderr } = e as Outcome;
      return { code, stdout, stderr };
    }
  }

  it('passes on the real commands', async () => {
    const { code, stdout } = await check();
    expect(code).toBe(0);
    expect(stdout).toContain('demo check: all 9 commands gave what they must');
  });

  it('fails on an HTTP error, naming the command', async () => {
    const { code, stdout, stderr } = await check(
      `-u alice:alice-password ${app.url}/me`,
      `-u alice:not-her-password ${app.url}/me`,
    );
    expect(code).toBe(1);
    expect(stdout).toContain('ok: Health');
    expect(stderr).toContain('demo check FAILED: HTTP Basic');
    expect(stderr).toContain(`command: curl -sS --fail-with-body -u alice:not-her-password`);
    expect(stderr).toContain('a command exited with status 22');
    expect(stderr).toContain('invalid user name or password');
  });

  it('fails on a 200 that shows the wrong thing, naming the command', async () => {
    const { code, stderr } = await check('"size": 3', '"size": 2');
    expect(code).toBe(1);
    expect(stderr).toContain('demo check FAILED: Rows as Server-Sent Events');
    expect(stderr).toContain('the output lacks "name":"BRAZIL"');
  });

  it('fails when the cancel is not a 204', async () => {
    const { code, stderr } = await check('/query/$QUERY_ID', '/query/20200101_000000_00000_xxxxx');
    expect(code).toBe(1);
    expect(stderr).toContain('demo check FAILED: Cancel a running query');
    expect(stderr).toContain('The requested URL returned error: 404');
  });
});
