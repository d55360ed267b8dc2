// The telephony platform every call feature stands on: the embedded Asterisk (provisioned, configured and
// started here) or the operator's, the ARI connection that carries every call, AMI for diagnostics, and the
// Mandarin prompts and readouts placed where that Asterisk can play them.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { UserRepository } from '../platform/auth/user-repository.js';
import { sipHa1 } from '../platform/auth/passwords.js';
import type { Config } from '../platform/config.js';
import type { Secrets } from '../platform/state-dir.js';
import { AmiConnection } from './ami.js';
import { AriTelephony } from './ari-telephony.js';
import { renderAgentEndpoints, renderAsteriskConfig } from './asterisk-config.js';
import { AsteriskProcess } from './asterisk-process.js';
import { provisionAsteriskRoot } from './asterisk-root.js';
import { CITIZEN_SIP_USER } from './citizen-phone-route.js';
import { parsePjsipSections } from './pjsip-objects.js';
import { ensurePrompts, PROMPT_NAMES, type PromptSet } from './prompts.js';
import { EspeakMandarinTts, type TextToSpeech } from './tts.js';

/** Browsers that may have the citizen page open (registered) at once. */
const CITIZEN_PAGES_AT_ONCE = 50;

export interface TelephonyPluginDeps {
  config: Config;
  secrets: Secrets;
  users: UserRepository;
  log: Logger;
}

export interface TelephonyPlugin {
  /** The embedded Asterisk, or null when the operator runs their own. */
  asterisk: AsteriskProcess | null;
  telephony: AriTelephony;
  ami: AmiConnection;
  /** Prompt files as Asterisk sees them. */
  prompts: PromptSet;
  /** Mandarin readouts (order status, position in the queue), synthesised where Asterisk can play them. */
  tts: TextToSpeech;
  /** A file the hotline wrote, as the path Asterisk must be given to play it. */
  mediaPath: (file: string) => string;
  provision: { seconds: number; cached: boolean };
  /** Asterisk's version for /healthz, read once AMI is up. */
  asteriskVersion(): Promise<string | undefined>;
  /** Asterisk up and ARI connected. */
  up(): boolean;
  /** Stops ARI, AMI and the embedded Asterisk (in that order); with keepAsterisk, the embedded Asterisk keeps running with its calls for the next start to adopt. */
  stop(opts?: { keepAsterisk?: boolean }): Promise<void>;
}

/** Starts the embedded Asterisk when configured. ARI connects when the composition root calls telephony.start(), once every handler is in place; AMI connects in the background. */
export async function createTelephonyPlugin(d: TelephonyPluginDeps): Promise<TelephonyPlugin> {
  const { config, secrets, users, log } = d;
  const stops: (() => Promise<void> | void)[] = [];
  let keepAsterisk = false;
  let adoptedAsterisk: AsteriskProcess | null = null;
  const adopted = () => adoptedAsterisk?.adopted ?? false;
  const stop = async (opts: { keepAsterisk?: boolean } = {}) => {
    keepAsterisk = opts.keepAsterisk ?? false;
    for (const s of stops.reverse()) await Promise.resolve(s()).catch((err) => log.error({ err }, 'telephony shutdown step failed'));
    stops.length = 0;
  };
  try {
    const ariPassword = config.asterisk.ari.password ?? secrets.ariPassword;
    let asterisk: AsteriskProcess | null = null;
    let prompts: PromptSet;
    let ttsDir: string;
    let mediaPath: (file: string) => string;
    let provision = { seconds: 0, cached: true };
    if (config.asterisk.mode === 'embedded') {
      provision = await provisionAsteriskRoot(config.asterisk.root, config.asterisk.debianMirror, log);
      asterisk = new AsteriskProcess(config.asterisk.root, config.asterisk.instance, log.child({ component: 'asterisk' }));
      asterisk.prepareFolders();
      const citizen = config.citizenPhone
        ? { sipHa1: sipHa1(CITIZEN_SIP_USER, config.sip.realm, secrets.citizenSipPassword), maxContacts: CITIZEN_PAGES_AT_ONCE }
        : null;
      const before = snapshotFolder(asterisk.etcDir);
      renderAsteriskConfig(asterisk.etcDir, asteriskValues(config, asterisk.instanceDir, ariPassword, secrets.amiPassword), await users.listAgentsWithSip(), {
        citizen,
        mergedNumbers: [...config.acd.mergedNumbers.keys()],
        agentsVia: config.sip.agentsVia,
      });
      // prompts live inside the root so the chrooted Asterisk can play them; it sees them without the root prefix
      const hostPrompts = await ensurePrompts(path.join(asterisk.hostInstanceDir, 'sounds'));
      prompts = mapPrompts(hostPrompts, (p) => p.slice(config.asterisk.root.length));
      ttsDir = path.join(asterisk.hostInstanceDir, 'sounds', 'tts');
      mediaPath = (p) => p.slice(config.asterisk.root.length);
      adoptedAsterisk = asterisk;
      await asterisk.start();
      // an adopted Asterisk runs the configuration of the start before: it re-reads ours only if it changed
      if (asterisk.adopted && snapshotFolder(asterisk.etcDir) !== before) {
        log.info('configuration changed since the adopted Asterisk started: reloading it');
        await asterisk.reload();
      }
      const a = asterisk;
      stops.push(() => (keepAsterisk ? a.detach() : a.stop()));
    } else {
      // an operator's Asterisk: prompts are installed in its sounds folder under hotline/ (see README)
      prompts = mapPrompts(Object.fromEntries(PROMPT_NAMES.map((n) => [n, n])) as PromptSet, (p) => `hotline/${p}`);
      // readouts are synthesised here: the operator's Asterisk must see this folder at the same path (shared mount)
      ttsDir = path.join(config.stateDir, 'tts');
      mediaPath = (p) => p;
    }

    const telephony = new AriTelephony(
      {
        url: config.asterisk.ari.url,
        username: config.asterisk.ari.username,
        password: ariPassword,
        app: config.asterisk.ari.app,
        // the seats, read again at every connect: an agent added since is pushed too
        ...(config.sip.agentsVia === 'ari'
          ? { pjsipObjects: async () => parsePjsipSections(renderAgentEndpoints(await users.listAgentsWithSip(), config.sip.realm)) }
          : {}),
      },
      log.child({ component: 'ari' }),
    );
    stops.push(() => telephony.stop());
    const amiConfig = config.asterisk.ami;
    const ami = new AmiConnection(
      { host: amiConfig.host, port: amiConfig.port, username: amiConfig.username, password: amiConfig.password ?? secrets.amiPassword },
      log.child({ component: 'ami' }),
    );
    ami.start();
    stops.push(() => ami.stop());

    let version: string | undefined;
    const embedded = asterisk;
    return {
      asterisk,
      telephony,
      ami,
      prompts,
      tts: new EspeakMandarinTts(ttsDir),
      mediaPath,
      provision,
      asteriskVersion: async () => {
        if (ami.up && !version) version = (await ami.command('core show version').catch(() => '')).trim() || undefined;
        return version;
      },
      up: () => telephony.connectionState === 'connected' && (embedded === null || embedded.pid !== undefined),
      stop,
    };
  } catch (err) {
    // an adopted Asterisk carries citizens' calls: a failed start leaves it running
    await stop({ keepAsterisk: adopted() });
    throw err;
  }
}

function asteriskValues(config: Config, instanceDir: string, ariPassword: string, amiPassword: string) {
  const a = config.asterisk;
  return {
    INSTANCE_DIR: instanceDir,
    HTTP_PORT: a.httpPort,
    ARI_USERNAME: a.ari.username,
    ARI_PASSWORD: ariPassword,
    ARI_APP: a.ari.app,
    AMI_PORT: a.ami.port,
    AMI_USERNAME: a.ami.username,
    AMI_PASSWORD: a.ami.password ?? amiPassword,
    TRUNK_HOST: a.trunk.host,
    TRUNK_PORT: a.trunk.port,
    TRUNK_PEERS: a.trunk.peers,
    TRUNK_CARRIER: a.trunk.carrier,
    RTP_START: a.rtpPorts[0],
    RTP_END: a.rtpPorts[1],
    SERVICE_NUMBER: config.serviceNumber,
    SIP_REALM: config.sip.realm,
    CITIZEN_MAX_CALLS: config.citizenPhone?.maxCalls ?? 0,
  };
}

/** The folder's files and contents, to tell whether rendering changed anything. */
function snapshotFolder(dir: string): string {
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir)
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      return fs.statSync(file).isFile() ? `${f}\n${fs.readFileSync(file, 'utf8')}` : f;
    })
    .join('\n--\n');
}

function mapPrompts(p: PromptSet, f: (path: string) => string): PromptSet {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, f(v)])) as PromptSet;
}
