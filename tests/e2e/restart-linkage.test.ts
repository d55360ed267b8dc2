// The server is killed (SIGKILL) while a supervisor whispers to an agent, and again while the agent consults
// 120 in a warm transfer: `npm start`'s server (server/main.ts, its own process, embedded defaults) with a real
// Asterisk, a citizen (sipp), agent 1001 on a sipp desk phone sending a 1 kHz tone, and one party behind the
// carrier trunk sending a 2.5 kHz tone: first the supervisor's desk phone, then the 120 operator. Each new start
// adopts the call with its session or transfer from what Asterisk keeps on the channels, so:
//   - the whisper goes on: the agent hears the supervisor, the citizen does not, and still hears the agent; the
//     supervisor's REST view shows the session active in whisper mode and can end it;
//   - the consult goes on: 120 hears the agent, the held citizen hears music on hold, not 120; the agent completes the
//     transfer over REST and 120 talks with the citizen; the linkage sheet is stored once;
//   - the call record ends answered by 1001 and Asterisk has nothing left.
// (tests/e2e/restart.test.ts kills the server under waiting, talking and late callers; the in-process restarts of
// warm-transfer.test.ts and supervision.test.ts drive the same adoption from the desktop in Chromium.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupervisionView, TransferView } from '../../contracts/transfer.js';
import { CREDENTIALS_FILE, type IssuedCredential } from '../../platform/auth/demo-users.js';
import { loadConfig } from '../../platform/config.js';
import { AsteriskProcess } from '../../telephony/asterisk-process.js';
import { logInSocket, recordStates, setAgentState, type AgentSocket } from '../../testkit/acd-seat.js';
import { apiLogin, type ApiUser } from '../../testkit/api-client.js';
import { endedCallRecord, hangUpCaller } from '../../testkit/caller-channels.js';
import { nextWindow, round, startCarrierParty, type CarrierParty } from '../../testkit/carrier-party.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { TEST_PORTS, testHotlineEnv } from '../../testkit/hotline-harness.js';
import { ensureTestMedia, TONE_HZ } from '../../testkit/media.js';
import { startRtpCapture, type RtpCapture } from '../../testkit/rtp-capture.js';
import { serverProcess } from '../../testkit/server-process.js';
import { startCaller, type SippProcess } from '../../testkit/sipp.js';
import { startSippAgent, type SippAgent } from '../../testkit/sipp-agent.js';
import { waitUntil } from '../../testkit/wait.js';

const LOGS = path.join(ARTIFACTS, 'restart-linkage');
const CITIZEN = '13700137021';
const PARTY_HZ = 2500;
/** Ports no other test file uses: citizen, agent phone, the party behind the carrier trunk. */
const PORTS = { citizen: 15340, citizenMedia: 18540, phone: 15342, phoneMedia: 18544, carrier: 15344, carrierMedia: 18548 };

describe('the server is killed during supervision and during a warm transfer to 120', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-restart-linkage-'));
  const directoryFile = path.join(stateDir, 'transfer-directory.json');
  const env = {
    ...testHotlineEnv(stateDir),
    ACD_WRAP_UP_SECONDS: '0',
    SIP_TRUNK_CARRIER: `127.0.0.1:${PORTS.carrier}`,
    HOTLINE_TRANSFER_DIRECTORY: directoryFile,
  };
  const config = loadConfig(env);
  const asterisk = new AsteriskProcess(config.asterisk.root, config.asterisk.instance, pino({ level: 'silent' }));
  const url = `http://127.0.0.1:${TEST_PORTS.http}`;
  const server = serverProcess({ env, url, logDir: LOGS });
  const measured: Record<string, unknown> = {};
  let phone: SippAgent | null = null;
  let desk: AgentSocket | null = null;
  let states: ReturnType<typeof recordStates> = [];
  let citizen: SippProcess | null = null;
  let citizenEnded = false;
  let citizenRx: RtpCapture | null = null;
  let agentRx: RtpCapture | null = null;
  let party: CarrierParty | null = null;
  let agentApi: ApiUser;
  let supervisor: ApiUser;
  let callId = '';
  let agentId = '';

  const entries = (msg: string) =>
    fs
      .readFileSync(server.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes(`"msg":"${msg}"`))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const channelCount = async () => Number(/(\d+) active channel/.exec(await asterisk.cli('core show channels count'))?.[1] ?? NaN);
  /** SIGKILL, then a new start on the same state folder; returns how long until the call was adopted again. */
  const killAndStart = async (adoptedMsg: string) => {
    const channels = await channelCount();
    await server.stop('SIGKILL');
    expect(await channelCount(), 'Asterisk keeps every leg while no server runs').toBe(channels);
    const t0 = Date.now();
    await server.start();
    expect(entries('adopting the Asterisk left running by an earlier run (its calls go on)')).toHaveLength(1);
    const adopted = await waitUntil(async () => entries(adoptedMsg).find((e) => e.callId === callId) ?? null, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: `"${adoptedMsg}" in the new start's log`,
    });
    expect(citizenEnded, 'the citizen is still on the call').toBe(false);
    return Date.parse(adopted.time as string) - t0;
  };

  beforeAll(async () => {
    fs.mkdirSync(LOGS, { recursive: true });
    fs.writeFileSync(directoryFile, JSON.stringify({ centres: [{ number: '120', name: '急救120' }], directory: [] }));
    await server.start();
    const creds = JSON.parse(fs.readFileSync(path.join(stateDir, CREDENTIALS_FILE), 'utf8')) as IssuedCredential[];
    const agent = creds.find((c) => c.extension === '1001')!;
    supervisor = await apiLogin(
      url,
      creds.find((c) => c.role === 'supervisor')!,
    );
    agentApi = await apiLogin(url, agent);
    const media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
    party = await startCarrierParty({
      dir: LOGS,
      name: 'carrier-party',
      port: PORTS.carrier,
      mediaPort: PORTS.carrierMedia,
      toneHz: PARTY_HZ,
      amplitude: 0.05,
    });
    phone = startSippAgent({
      extension: agent.extension!,
      password: agent.password,
      sipTarget: `127.0.0.1:${TEST_PORTS.trunk}`,
      localPort: PORTS.phone,
      mediaPort: PORTS.phoneMedia,
      pcap: media.tonePcap,
      name: 'restart-linkage-1001',
    });
    await phone.registered(15_000);
    agentRx = await startRtpCapture({ mediaPort: PORTS.phoneMedia, file: path.join(LOGS, 'agent-rx.pcap') });
    desk = await logInSocket(url, agent);
    states = recordStates(desk);
    await setAgentState(desk, 'available', '1001');
    citizenRx = await startRtpCapture({ mediaPort: PORTS.citizenMedia, file: path.join(LOGS, 'citizen-rx.pcap') });
    citizen = startCaller({
      sipTarget: `127.0.0.1:${TEST_PORTS.trunk}`,
      dialed: '12345',
      callerNumber: CITIZEN,
      localPort: PORTS.citizen,
      mediaPort: PORTS.citizenMedia,
      pcap: media.callerPcap,
      maxCallMs: 170_000,
    });
    void citizen.done.then(() => (citizenEnded = true));
    const connected = await waitUntil(async () => entries('caller and agent connected')[0] ?? null, {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: 'the conversation',
    });
    callId = connected.callId as string;
    agentId = connected.agentId as string;
  }, 150_000);

  afterAll(async () => {
    console.info(JSON.stringify({ restartLinkage: measured }));
    desk?.close();
    citizen?.kill();
    await phone?.stop();
    await party?.stop();
    await citizenRx?.stop();
    await agentRx?.stop();
    if (server.running) await server.stop('SIGINT');
    await asterisk.stop().catch(() => {});
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('given a supervisor whispering to the agent, when the server is killed and started again, then the whisper goes on and the supervisor ends it', async () => {
    const started = await supervisor.call<{ session: SupervisionView }>('POST', '/api/supervision', { agentId, mode: 'whisper', phone: '8001' });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.session.id;
    const active = async () => {
      const r = await supervisor.call<{ sessions: SupervisionView[] }>('GET', '/api/supervision');
      return r.body.sessions.find((s) => s.id === id && s.phase === 'active' && s.mode === 'whisper') ? true : null;
    };
    await waitUntil(active, { timeoutMs: 20_000, intervalMs: 250, what: 'the whisper to be active' });
    const before = await nextWindow(agentRx!, 'the agent hearing the whisper', 2.5);
    expect(before.toneRatio(PARTY_HZ), 'the agent hears the supervisor').toBeGreaterThan(0.1);

    measured.whisperAdoptedMs = await killAndStart('supervision adopted after a restart');
    await waitUntil(active, { timeoutMs: 15_000, intervalMs: 250, what: 'the whisper active in the new start' });
    const agentHears = await nextWindow(agentRx!, 'the agent hearing the whisper after the restart', 2.5, 0.2);
    const citizenHears = await nextWindow(citizenRx!, 'the citizen during the whisper after the restart', 2.5, 0.2);
    measured.whisperAfterRestart = {
      agentHearsSupervisor: round(agentHears.toneRatio(PARTY_HZ)),
      citizenHearsSupervisor: round(citizenHears.toneRatio(PARTY_HZ)),
      citizenHearsAgent: round(citizenHears.toneRatio(TONE_HZ)),
    };
    expect(agentHears.toneRatio(PARTY_HZ), 'the agent still hears the supervisor').toBeGreaterThan(0.1);
    expect(citizenHears.toneRatio(PARTY_HZ), 'the citizen must not hear the whisper').toBeLessThan(0.05);
    expect(citizenHears.toneRatio(TONE_HZ), 'the citizen still hears the agent').toBeGreaterThan(0.5);
    await waitUntil(async () => (desk!.connected && states.at(-1)?.state === 'on_call' ? true : null), {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: "the agent's desktop to reconnect and show the call",
    });

    const stopped = await supervisor.call('POST', `/api/supervision/${id}/stop`);
    expect(stopped.status).toBe(200);
    await waitUntil(
      async () => ((await supervisor.call<{ sessions: SupervisionView[] }>('GET', '/api/supervision')).body.sessions.length === 0 ? true : null),
      {
        timeoutMs: 10_000,
        intervalMs: 250,
        what: 'the session to end',
      },
    );
  }, 120_000);

  it('given the agent consulting 120, when the server is killed and started again, then the consult goes on, the agent completes it and 120 talks with the citizen', async () => {
    const start = await agentApi.call<{ transfer: TransferView }>('POST', `/api/calls/${callId}/transfer`, {
      to: { centre: '120' },
      sheet: { place: '福田区莲花路某小区3栋', summary: '家中老人晕倒' },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(201);
    const consulting = async () => {
      const r = await agentApi.call<{ transfer: TransferView }>('GET', `/api/calls/${callId}/transfer`);
      return r.body.transfer?.phase === 'consulting' ? r.body.transfer : null;
    };
    await waitUntil(consulting, { timeoutMs: 20_000, intervalMs: 250, what: 'the consult with 120' });
    const sheets = async () => (await agentApi.call<{ linkages: { id: string }[] }>('GET', `/api/linkages?callId=${encodeURIComponent(callId)}`)).body.linkages;
    await waitUntil(async () => ((await sheets()).length === 1 ? true : null), { timeoutMs: 10_000, intervalMs: 250, what: 'the linkage sheet' });

    measured.transferAdoptedMs = await killAndStart('transfer adopted after a restart');
    expect(await consulting(), 'the consult, as the new start sees it').toMatchObject({ kind: 'warm', target: { number: '120' } });
    const atCentre = await nextWindow(party!.rx, '120 hearing the agent after the restart', 2.5, 0.2);
    const held = await nextWindow(citizenRx!, 'the held citizen after the restart', 2.5, 0.2);
    measured.consultAfterRestart = {
      centreHearsAgent: round(atCentre.toneRatio(TONE_HZ)),
      heldCitizenHearsCentre: round(held.toneRatio(PARTY_HZ)),
      heldCitizenRms: round(held.rms),
    };
    expect(atCentre.toneRatio(TONE_HZ), '120 still hears the agent').toBeGreaterThan(0.5);
    expect(held.toneRatio(PARTY_HZ), '120 must not reach the held citizen').toBeLessThan(0.2);
    expect(held.rms, 'the held citizen still hears music on hold (0.000244 is A-law silence)').toBeGreaterThan(0.005);

    const done = await agentApi.call('POST', `/api/calls/${callId}/transfer/complete`);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    await waitUntil(async () => (states.at(-1)?.state === 'available' ? true : null), { timeoutMs: 15_000, intervalMs: 100, what: 'the agent free again' });
    const citizenHears = await nextWindow(citizenRx!, 'the citizen hearing 120 after completion');
    measured.citizenHearsCentre = round(citizenHears.toneRatio(PARTY_HZ));
    expect(citizenHears.toneRatio(PARTY_HZ), '120 talks with the citizen').toBeGreaterThan(0.5);
    expect(await sheets(), 'the sheet written once, not again by the new start').toHaveLength(1);

    await hangUpCaller(asterisk, CITIZEN);
    expect((await citizen!.done).answered).toBe(true);
    const record = await endedCallRecord(supervisor, CITIZEN, callId);
    expect(record).toMatchObject({ outcome: 'answered', agentId });
    await waitUntil(async () => ((await channelCount()) === 0 ? true : null), { timeoutMs: 15_000, intervalMs: 250, what: 'no channel left in Asterisk' });
  }, 120_000);
});
