// A private PostgreSQL server for the tests that take the database away under the hotline: Debian's postgresql
// (the newest installed major), run as `postgres` on a port and folder of the test's own, crashed with
// `pg_ctl stop -m immediate` (no shutdown handshake: what a power cut or an OOM kill looks like to clients).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PostgresServer {
  /** postgres://hotline@127.0.0.1:<port>/postgres (trust auth, loopback only). */
  url: string;
  start(): void;
  /** `pg_ctl stop -m immediate`. */
  crash(): void;
  /** Crashes it if it runs and removes its folder. */
  remove(): void;
}

function bin(): string {
  const majors = fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
  return path.join('/usr/lib/postgresql', majors.at(-1)!, 'bin');
}

export function createPostgresServer(port: number, name: string): PostgresServer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hotline-pg-${name}-`));
  const data = path.join(dir, 'data');
  const asPostgres = (cmd: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin(), cmd), ...args], { stdio: 'pipe' });
  const pgCtl = (...args: string[]) => asPostgres('pg_ctl', ['-D', data, '-w', '-t', '30', ...args]);
  fs.chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'hotline', '--no-sync']);
  return {
    url: `postgres://hotline@127.0.0.1:${port}/postgres`,
    start: () => pgCtl('-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-l', path.join(dir, 'server.log'), 'start'),
    crash: () => pgCtl('-m', 'immediate', 'stop'),
    remove: () => {
      try {
        pgCtl('-m', 'immediate', 'stop');
      } catch {
        // not running
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
