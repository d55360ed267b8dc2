// `npm start`: runs the hotline server (server/main.ts) as a child process and starts it again when it dies by
// itself (a crash, the kernel's out-of-memory killer, `kill -9`): the embedded Asterisk runs in its own session,
// so its calls stay up and each new start adopts them. Ctrl-C (SIGINT) and SIGTERM are passed on to the server and
// end this supervisor once it has stopped; the server's own exits on purpose (see restart-policy.ts) end it too.
// In production systemd plays this part (README), running server/main.ts directly.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { restartDelay } from './restart-policy.js';

const MAIN = path.join(path.dirname(new URL(import.meta.url).pathname), 'main.ts');
const HEALTHY_RUN_MS = 60_000;

let child: ChildProcess | null = null;
let stopping: NodeJS.Signals | null = null;
let quickCrashes = 0;

const say = (line: string) => process.stderr.write(`hotline supervisor: ${line}\n`);

function start(): void {
  const startedAt = Date.now();
  const c = spawn(process.execPath, [...process.execArgv, MAIN], { stdio: 'inherit', env: process.env });
  child = c;
  c.once('exit', (code, signal) => {
    child = null;
    const ranMs = Date.now() - startedAt;
    if (stopping) process.exit(code ?? 0);
    quickCrashes = ranMs >= HEALTHY_RUN_MS ? 1 : quickCrashes + 1;
    const delay = restartDelay({ code, signal }, ranMs, quickCrashes, { healthyRunMs: HEALTHY_RUN_MS });
    if (delay === null) process.exit(code ?? 0);
    say(`the server died (${signal ?? `exit ${code}`}) after ${Math.round(ranMs / 1000)} s; Asterisk keeps the calls; starting it again in ${delay / 1000} s`);
    setTimeout(() => (stopping ? process.exit(0) : start()), delay);
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopping ??= signal;
    if (child) child.kill(signal);
    else process.exit(0);
  });
}
start();
