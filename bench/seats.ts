// Seats at scale: N agents' PJSIP objects (default 700: Shenzhen's seat count) reach the real Asterisk without a
// configuration file — pushed over ARI's dynamic configuration at connect (PJSIP_AGENTS=ari, the default) — and
// then N desk phones register with digest auth (bench/sip-register.ts). Baseline, in the same process and on the
// same Asterisk: the same N agents written into pjsip_agents.conf and loaded with `module reload res_pjsip.so`
// (PJSIP_AGENTS=file). Printed as ratios, never asserted.
//
// Run: npm run bench:seats [-- N]    (needs the Asterisk root: npm start or npm test once)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { hashPassword, sipHa1 } from '../platform/auth/passwords.js';
import { UserRepository } from '../platform/auth/user-repository.js';
import { loadConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { openDatabase } from '../platform/db/open-database.js';
import { startHotline } from '../server/hotline.js';
import { renderAgentEndpoints } from '../telephony/asterisk-config.js';
import { waitUntil } from '../testkit/wait.js';
import { registerSeats } from './sip-register.js';

const N = Number(process.argv[2] ?? 700);
const PASSWORD = 'bench-seat-password-7f3a'; // one password for every seat: the bench measures SIP, not scrypt
const BASE = 24_000 + (process.pid % 50) * 20;
const PHONES_PORT = BASE + 10;

const say = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<void> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-bench-seats-'));
  const env = {
    HOTLINE_STATE_DIR: stateDir,
    HOTLINE_PORT: String(BASE),
    ASTERISK_HTTP_PORT: String(BASE + 1),
    SIP_TRUNK_BIND: `127.0.0.1:${BASE + 2}`,
    AMI_PORT: String(BASE + 3),
    RTP_PORTS: '32000-33000',
    LOG_LEVEL: 'info',
  };
  const config = loadConfig(env);

  // N seats in the database before the first start (the start then seeds nothing)
  say(`creating ${N} agent accounts…`);
  const db = await openDatabase(config.database);
  const users = new UserRepository(db);
  const hash = await hashPassword(PASSWORD);
  for (let i = 1; i <= N; i++) {
    const ext = String(10_000 + i);
    await users.createUser({
      id: `u-${ext}`,
      username: ext,
      displayName: `座席${ext}`,
      role: 'agent',
      extension: ext,
      passwordHash: hash,
      sipHa1: sipHa1(ext, config.sip.realm, PASSWORD),
    });
  }
  await db.close();

  const logFile = path.join(stateDir, 'hotline.log');
  const t0 = performance.now();
  const hotline = await startHotline(config, createLogger('info', { destination: pino.destination({ dest: logFile, sync: true }) }));
  const startMs = performance.now() - t0;
  try {
    const pushLine = fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .find((l) => l.includes('PJSIP objects pushed over ARI'));
    const pushed = pushLine ? (JSON.parse(pushLine) as { objects: number; ms: number }) : null;
    if (!pushed) throw new Error('no "PJSIP objects pushed over ARI" line in the log');
    say(`pushed ${pushed.objects} PJSIP objects over ARI in ${pushed.ms} ms (hotline start ${(startMs / 1000).toFixed(1)} s)`);

    // N desk phones register (AOR <ext>-desk, auth user <ext>, digest auth) from one UDP socket, 20 at a time
    const seats = Array.from({ length: N }, (_, i) => ({ aor: `${10_001 + i}-desk`, authUser: String(10_001 + i), password: PASSWORD }));
    const reg = await registerSeats({ host: '127.0.0.1', port: BASE + 2 }, seats, { localPort: PHONES_PORT, inFlight: 20 });
    const ok = reg.ok;
    const failed = reg.failed;
    const registerMs = reg.ms;
    const online = await waitUntil(
      async () => {
        const n = (await hotline.telephony.listOnlineDevices()).filter((d) => d.endsWith('-desk')).length;
        return n >= ok ? n : null;
      },
      { timeoutMs: 30_000, what: 'Asterisk to list the registered desk phones' },
    );
    say(`${ok} of ${N} desk phones registered in ${(registerMs / 1000).toFixed(1)} s (${failed} failed); ARI lists ${online} online`);

    // baseline: the same seats from a file, loaded by a res_pjsip reload
    const etc = hotline.asterisk!.etcDir;
    fs.writeFileSync(path.join(etc, 'pjsip_agents.conf'), renderAgentEndpoints(await hotline.users.listAgentsWithSip(), config.sip.realm), { mode: 0o600 });
    const f0 = performance.now();
    await hotline.ami.reloadPjsip();
    const reloadMs = performance.now() - f0;
    say(`file baseline: pjsip_agents.conf (${N} seats) loaded by module reload res_pjsip.so in ${reloadMs.toFixed(0)} ms`);

    console.log(
      `\nSeats at scale — ${N} agents (${pushed.objects} PJSIP objects), Asterisk ${hotline.asterisk ? 'embedded' : 'external'}, ${os.cpus().length} CPUs`,
    );
    console.log(`  provisioning over ARI (push at connect):       ${pushed.ms} ms`);
    console.log(`  provisioning from a file (res_pjsip reload):   ${reloadMs.toFixed(0)} ms`);
    console.log(
      `  registrations: ${ok}/${N} in ${(registerMs / 1000).toFixed(1)} s (${Math.round((ok * 1000) / registerMs)}/s, 20 in flight), ${online} online in ARI`,
    );
    console.log(`  ARI push / file reload:                        ${(pushed.ms / reloadMs).toFixed(2)}×`);
  } finally {
    await hotline.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
