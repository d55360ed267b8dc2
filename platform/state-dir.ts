// The git-ignored state folder: secrets generated on first start, the instance lock, the embedded database.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface Secrets {
  ariPassword: string;
  amiPassword: string;
  /** HMAC key for desktop session tokens. */
  sessionKey: string;
  /** SIP password of the citizen phone page's endpoint (public by design: that endpoint can only call 12345). */
  citizenSipPassword: string;
}

/** A permission the start-up check tightened: what was found and what it is now. */
export interface PermissionFix {
  path: string;
  was: string;
  now: string;
}

/**
 * The state folder, created private. One that already exists (copied, restored from a backup, made by hand) is
 * checked at every start: the folder and everything in it readable by the owner only, since it holds the secrets,
 * the accounts' passwords, the database and the held writes with citizens' numbers.
 */
export function ensureStateDir(stateDir: string, o: { shallow?: readonly string[] } = {}): PermissionFix[] {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  return keepPrivate(stateDir, o);
}

/**
 * Takes group and other permissions off `root` and what is in it, recursively: folders 0700, files keep only their
 * owner's bits. Folders in `shallow` are checked but not entered: the recordings, whose files are written 0600
 * (recordings/storage.ts) and which a walk at every start would read by the million.
 */
export function keepPrivate(root: string, o: { shallow?: readonly string[] } = {}): PermissionFix[] {
  const fixes: PermissionFix[] = [];
  const shallow = new Set((o.shallow ?? []).map((p) => path.resolve(p)));
  const visit = (p: string) => {
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) return; // not followed: what a link points at is not ours to change
    const mode = st.mode & 0o777;
    const want = st.isDirectory() ? 0o700 : mode & 0o700;
    if ((mode & 0o077) !== 0 || (st.isDirectory() && mode !== want)) {
      fs.chmodSync(p, want);
      fixes.push({ path: p, was: mode.toString(8).padStart(4, '0'), now: want.toString(8).padStart(4, '0') });
    }
    if (st.isDirectory() && !shallow.has(path.resolve(p))) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
  };
  visit(root);
  return fixes;
}

const randomSecret = () => crypto.randomBytes(24).toString('base64url');

/** Secrets are generated once and kept (mode 0600); there are no default passwords anywhere. */
export function loadOrCreateSecrets(stateDir: string): Secrets {
  const file = path.join(stateDir, 'secrets.json');
  if (fs.existsSync(file)) {
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Secrets>;
    if (s.ariPassword && s.amiPassword && s.sessionKey && s.citizenSipPassword) return s as Secrets;
    // a state folder from before a secret existed keeps the ones it has and gains the new one
    if (s.ariPassword && s.amiPassword && s.sessionKey) return writeSecrets(file, { ...(s as Secrets), citizenSipPassword: randomSecret() });
  }
  return writeSecrets(file, { ariPassword: randomSecret(), amiPassword: randomSecret(), sessionKey: randomSecret(), citizenSipPassword: randomSecret() });
}

function writeSecrets(file: string, secrets: Secrets): Secrets {
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  return secrets;
}

export class AlreadyRunningError extends Error {
  constructor(
    readonly pid: number,
    lockFile: string,
  ) {
    super(`another hotline is already running with this state folder (pid ${pid}, lock ${lockFile}); stop it first`);
    this.name = 'AlreadyRunningError';
  }
}

/**
 * One running hotline per state folder: a second `npm start` must not re-render configs or restart the
 * Asterisk instance under the first one's feet. A lock left by a crashed process (dead pid) is taken over.
 */
export function acquireInstanceLock(stateDir: string): () => void {
  const lockFile = path.join(stateDir, 'hotline.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx', mode: 0o600 });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(lockFile, 'utf8').trim() === String(process.pid)) fs.unlinkSync(lockFile);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(lockFile, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) throw new AlreadyRunningError(pid, lockFile);
      fs.unlinkSync(lockFile); // stale
    }
  }
  throw new Error(`could not take the instance lock ${lockFile}`);
}

/** A process with this pid exists (ours to signal or not). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
