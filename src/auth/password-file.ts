import { readFileSync, statSync } from 'node:fs';
import { parsePasswordHash, type PasswordHash } from './password-hash';

/** How often, at most, the file's mtime is checked for changes. */
const RECHECK_MS = 1000;

/** Parses a Trino password file (`user:hash` lines; only the first `:` splits). */
export function parsePasswordFile(text: string): Map<string, PasswordHash> {
  const users = new Map<string, PasswordHash>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`password file line ${index + 1}: expected user:hash`);
    const user = line.slice(0, colon);
    if (users.has(user)) throw new Error(`password file line ${index + 1}: duplicate user`);
    try {
      users.set(user, parsePasswordHash(line.slice(colon + 1)));
    } catch (e) {
      throw new Error(`password file line ${index + 1}: ${(e as Error).message}`);
    }
  });
  return users;
}

/**
 * The password file, re-read when its mtime or size changes so an operator can add users
 * without a restart. A file that becomes unreadable or invalid keeps the last good version.
 */
export class PasswordFile {
  private users: Map<string, PasswordHash>;
  private stamp: string;
  private checkedAt = Date.now();

  constructor(private readonly path: string) {
    this.stamp = this.currentStamp();
    this.users = parsePasswordFile(readFileSync(path, 'utf8'));
  }

  /** The stored hash for `user`, or undefined. */
  lookup(user: string): PasswordHash | undefined {
    this.reloadIfChanged();
    return this.users.get(user);
  }

  private currentStamp(): string {
    const s = statSync(this.path);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  }

  private reloadIfChanged(): void {
    const now = Date.now();
    if (now - this.checkedAt < RECHECK_MS) return;
    this.checkedAt = now;
    try {
      const stamp = this.currentStamp();
      if (stamp === this.stamp) return;
      this.users = parsePasswordFile(readFileSync(this.path, 'utf8'));
      this.stamp = stamp;
    } catch {
      // Keep serving with the last good file; a half-written file must not lock everyone out.
    }
  }
}
