import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePasswordFile, PasswordFile } from './password-file';

/** Real hashes from test/fixtures/password.db (cost 10 bcrypt and Trino PBKDF2). */
const ALICE = 'alice:$2y$10$PB3BTvPz7TnL9Yv1WYm9.escaVXegXli2/jnhqYG18HR492Y8dm.i';
const BOB = 'bob:$2b$10$OhI5LBdXCN2Y57QEjgeLOOgKV1gSGJKQSmeRwx0Np5CYHX7aSiEZ.';
const DAVE =
  'dave:1000:5b53e0dbda7729d3ec6694b560ef4629:bfb10752a9b5072de702f5da1d28383771c06124bf9f9f65b27c93ccb2fc8b3b';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('parsePasswordFile', () => {
  it.each([
    ['one user per line', `${ALICE}\n${BOB}\n`, ['alice', 'bob']],
    ['blank and whitespace-only lines', `\n${ALICE}\n\n   \n${DAVE}\n\n`, ['alice', 'dave']],
    ['CRLF line ends', `${ALICE}\r\n${BOB}\r\n`, ['alice', 'bob']],
    ['no final newline', `${ALICE}\n${BOB}`, ['alice', 'bob']],
    ['an empty file', '', []],
  ])('parses %s', (_label, text, users) => {
    expect([...parsePasswordFile(text).keys()]).toEqual(users);
  });

  it('the parsed hashes check passwords (PBKDF2 entry splits on its first colon only)', async () => {
    const users = parsePasswordFile(`${ALICE}\n${DAVE}\n`);
    await expect(users.get('dave')!.matches('dave-password')).resolves.toBe(true);
    await expect(users.get('alice')!.matches('alice-password')).resolves.toBe(true);
    await expect(users.get('alice')!.matches('dave-password')).resolves.toBe(false);
  });

  it.each([
    ['a duplicate user', `${ALICE}\n${BOB}\n${ALICE}\n`, /line 3: duplicate user/],
    ['a line without a colon', `${ALICE}\njust-a-name\n`, /line 2: expected user:hash/],
    [
      'an empty user name',
      `${ALICE}\n\n:$2b$10$OhI5LBdXCN2Y57QEjgeLOOgKV1gSGJKQSmeRwx0Np5CYHX7aSiEZ.\n`,
      /line 3: expected user:hash/,
    ],
    ['an unknown hash format', `${ALICE}\nerin:plaintext\n`, /line 2: .*cannot be determined/],
    [
      'a weak bcrypt cost',
      'erin:$2b$04$OhI5LBdXCN2Y57QEjgeLOOgKV1gSGJKQSmeRwx0Np5CYHX7aSiEZ.',
      /line 1: bcrypt cost/,
    ],
  ])('rejects %s, naming the line', (_label, text, message) => {
    expect(() => parsePasswordFile(text)).toThrow(message);
  });

  it('errors do not echo the hash', () => {
    let message = '';
    try {
      parsePasswordFile('erin:secret-plaintext');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/line 1/);
    expect(message).not.toContain('secret-plaintext');
  });
});

describe('PasswordFile', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'password-file-'));
    path = join(dir, 'password.db');
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start from an invalid file', () => {
    writeFileSync(path, `${ALICE}\n${ALICE}\n`);
    expect(() => new PasswordFile(path)).toThrow(/duplicate user/);
  });

  it('picks up added and removed users after the file changes', async () => {
    writeFileSync(path, `${ALICE}\n`);
    const file = new PasswordFile(path);
    expect(file.lookup('alice')).toBeDefined();
    expect(file.lookup('bob')).toBeUndefined();

    writeFileSync(path, `${BOB}\n${DAVE}\n`);
    await sleep(1100);
    expect(file.lookup('bob')).toBeDefined();
    expect(file.lookup('dave')).toBeDefined();
    expect(file.lookup('alice')).toBeUndefined();
    await expect(file.lookup('bob')!.matches('bob-password')).resolves.toBe(true);
  });

  it('keeps the last good version when the file becomes invalid or disappears', async () => {
    writeFileSync(path, `${ALICE}\n`);
    const file = new PasswordFile(path);
    writeFileSync(path, `${ALICE}\nbroken line\n`);
    await sleep(1100);
    expect(file.lookup('alice')).toBeDefined();

    rmSync(path);
    await sleep(1100);
    expect(file.lookup('alice')).toBeDefined();

    // And recovers once the file is good again.
    writeFileSync(path, `${BOB}\n`);
    await sleep(1100);
    expect(file.lookup('bob')).toBeDefined();
    expect(file.lookup('alice')).toBeUndefined();
  });
});
