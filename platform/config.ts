// One typed, schema-validated configuration object, built once at start from the environment.
// A bad setting stops the process with a message naming the variable and what is wrong with it.
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_MERGED_HOTLINES, parseMergedHotlines, type MergedHotlines } from './merged-hotlines.js';

const PROJECT_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const port = z.coerce.number().int().min(1).max(65535);
const host = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or IP address');
const hostPort = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be HOST:PORT, e.g. 127.0.0.1:5060')
    .default(fallback)
    .transform((v) => {
      const i = v.lastIndexOf(':');
      return { host: v.slice(0, i), port: Number(v.slice(i + 1)) };
    })
    .refine((v) => v.port >= 1 && v.port <= 65535, 'port must be 1..65535');
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));

const listed = (v: string): string[] =>
  v
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
/** 10.0.0.5, 10.0.0.0/8, ::1, fd00::/8 */
function isAddressOrRange(v: string): boolean {
  const [address = '', bits, ...rest] = v.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/** Environment variable → schema. Every setting the hotline reads is listed here and in README.md. */
const EnvSchema = z.object({
  HOTLINE_STATE_DIR: z.string().min(1).default(path.join(PROJECT_ROOT, '.hotline')),
  HOTLINE_HOST: host.default('127.0.0.1'),
  HOTLINE_PORT: port.default(8080),
  HOTLINE_PUBLIC_URL: z.url().optional(),
  // the reverse proxies in front of the server, by address: only their X-Forwarded-For is believed (never "all",
  // which would let any client choose the address the rate limits and the audit see)
  HOTLINE_TRUST_PROXY: z
    .string()
    .refine((v) => listed(v).every(isAddressOrRange), "must be a comma-separated list of the proxies' IP addresses or CIDR ranges")
    .default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  ASTERISK_MODE: z.enum(['embedded', 'external']).default('embedded'),
  ASTERISK_ROOT: z.string().min(1).default(path.join(PROJECT_ROOT, '.asterisk-root')),
  ASTERISK_DEBIAN_MIRROR: z.url().default('http://deb.debian.org/debian'),
  ARI_URL: z.url().optional(),
  ARI_USERNAME: z.string().min(1).default('hotline'),
  ARI_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  ARI_APP: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/, 'must be lowercase letters, digits, - or _')
    .default('hotline'),
  AMI_HOST: host.default('127.0.0.1'),
  AMI_PORT: port.default(5038),
  AMI_USERNAME: z.string().min(1).default('hotline'),
  AMI_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  ASTERISK_HTTP_PORT: port.default(8088),
  SIP_TRUNK_BIND: hostPort('127.0.0.1:5060'),
  SIP_TRUNK_CARRIER: z
    .string()
    .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be HOST:PORT of the carrier, e.g. 127.0.0.1:5062')
    .default('127.0.0.1:5062'),
  SIP_TRUNK_PEERS: z
    .string()
    .regex(/^[0-9./,]+$/, 'must be a comma-separated list of IPv4 addresses or CIDR ranges')
    .default('127.0.0.1'),
  SIP_WS_URL: z
    .string()
    .regex(/^wss?:\/\//, 'must start with ws:// or wss://')
    .optional(),
  SIP_DOMAIN: z.string().min(1).optional(),
  SIP_REALM: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/)
    .default('hotline12345'),
  RTP_PORTS: z
    .string()
    .regex(/^\d+-\d+$/, 'must be START-END, e.g. 10000-20000')
    .transform((v) => v.split('-').map(Number) as [number, number])
    .refine(([a, b]) => a >= 1024 && b <= 65535 && a < b, 'must be an increasing range within 1024-65535')
    .default([10000, 20000]),
  SERVICE_NUMBER: z
    .string()
    .regex(/^\d{3,8}$/, 'must be 3-8 digits')
    .default('12345'),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),

  ACD_RING_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(120).default(15),
  ACD_WRAP_UP_SECONDS: z.coerce.number().int().min(0).max(600).default(30),
  /** Waiting callers hear their position and expected wait after this long, then every ACD_ANNOUNCE_EVERY_SECONDS; 0: never. */
  ACD_ANNOUNCE_AFTER_SECONDS: z.coerce.number().int().min(0).max(600).default(20),
  ACD_ANNOUNCE_EVERY_SECONDS: z.coerce.number().int().min(10).max(600).default(60),
  HOTLINE_ACD_CONFIG: z.string().min(1).optional(),
  /** National hotlines merged into 12345 that the trunk takes, each straight to a queue: NUMBER:queue,… */
  HOTLINE_MERGED_NUMBERS: z
    .string()
    .regex(/^(\d{3,8}:[a-z][a-z0-9_]*)?(,\d{3,8}:[a-z][a-z0-9_]*)*$/, 'must be NUMBER:queue_id,… e.g. 12329:housing_fund')
    .default(DEFAULT_MERGED_HOTLINES),
  /** JSON file of numbers with a standing priority line: { "13900000001": "elderly", "0755110": "urgent" }. */
  ACD_PRIORITY_CALLERS: z.string().min(1).optional(),
  /** How agents' PJSIP endpoints reach Asterisk: pushed over ARI at every connect, or rendered into a file. */
  PJSIP_AGENTS: z.enum(['ari', 'file']).default('ari'),
  DEMO_AGENTS: z.coerce.number().int().min(0).max(1000).default(10),
  /** Demo data on first start (agents with skills, handlers, a supervisor, past orders). Off in production. */
  HOTLINE_DEMO_DATA: bool.default(true),
  /** The public citizen phone page (/citizen): a WebRTC endpoint that can only call the service number. */
  CITIZEN_PHONE: bool.default(true),
  CITIZEN_PHONE_MAX_CALLS: z.coerce.number().int().min(1).max(500).default(4),
  CITIZEN_PHONE_CALLS_PER_MINUTE: z.coerce.number().int().min(1).max(6000).default(20),
  HOTLINE_RECORD_CALLS: bool.default(true),
  SPEECH_KEYWORD_SPOTTING: bool.default(false),
  /** Reports: time a department has to sign a dispatched order (按时签收, the response rate). */
  REPORT_SIGN_LIMIT_HOURS: z.coerce.number().min(0.5).max(720).default(24),
  /** Hotspots (未诉先办): window, earlier windows for the usual level, thresholds, check interval. */
  HOTSPOT_WINDOW_HOURS: z.coerce
    .number()
    .min(1)
    .max(24 * 31)
    .default(24),
  HOTSPOT_BASELINE_WINDOWS: z.coerce.number().int().min(0).max(365).default(14),
  HOTSPOT_MIN_COUNT: z.coerce.number().int().min(2).max(1000).default(4),
  HOTSPOT_RATIO: z.coerce.number().min(1).max(100).default(3),
  HOTSPOT_MIN_EXCESS: z.coerce.number().min(0).max(1000).default(2),
  HOTSPOT_CHECK_MINUTES: z.coerce.number().min(1).max(1440).default(10),
  /** Recordings: where they are kept (fs: a folder; s3: an S3-compatible bucket), and for how long. */
  RECORDINGS_STORAGE: z.enum(['fs', 's3']).default('fs'),
  RECORDINGS_DIR: z.string().min(1).optional(),
  RECORDING_RETENTION_DAYS: z.coerce.number().int().min(1).max(36500).default(180),
  RECORDINGS_S3_ENDPOINT: z.url().optional(),
  RECORDINGS_S3_REGION: z.string().min(1).default('us-east-1'),
  RECORDINGS_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
    .optional(),
  RECORDINGS_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  RECORDINGS_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Handlers of the order's department may listen to its call recordings. */
  RECORDINGS_HANDLERS_MAY_LISTEN: bool.default(true),
  /** JSON file: emergency centres (number, name, linkage webhook) and the blind-transfer directory. */
  HOTLINE_TRANSFER_DIRECTORY: z.string().min(1).optional(),
  /** First retry of an undelivered linkage sheet after this long; doubles with every further failure. */
  LINKAGE_RETRY_BASE_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
});

export interface Config {
  projectRoot: string;
  stateDir: string;
  server: { host: string; port: number; publicUrl: string; trustProxy: string[] };
  log: { level: string };
  asterisk: {
    mode: 'embedded' | 'external';
    root: string;
    debianMirror: string;
    /** Name of this hotline's Asterisk instance inside the root (several may share one root, e.g. tests). */
    instance: string;
    ari: { url: string; username: string; password: string | undefined; app: string };
    ami: { host: string; port: number; username: string; password: string | undefined };
    httpPort: number;
    /** carrier: where outbound calls to citizens are sent (HOST:PORT). */
    trunk: { host: string; port: number; peers: string; carrier: string };
    rtpPorts: [number, number];
  };
  sip: { wsUrl: string; domain: string; realm: string; agentsVia: 'ari' | 'file' };
  serviceNumber: string;
  database: { url: string | undefined; dataDir: string };
  acd: {
    ringTimeoutSeconds: number;
    wrapUpSeconds: number;
    /** Position announcements to waiting callers, or null when off. */
    announce: { firstAfterMs: number; everyMs: number } | null;
    configFile: string | undefined;
    mergedNumbers: MergedHotlines;
    priorityCallersFile: string | undefined;
  };
  demoAgents: number;
  demoData: boolean;
  /** The citizen phone page's endpoint: off, or its concurrent-call and per-minute limits. */
  citizenPhone: { maxCalls: number; callsPerMinute: number } | null;
  recordCalls: boolean;
  /** Listen to every caller for emergency and routing words (needs the KWS model; see speech/README.md). */
  keywordSpotting: boolean;
  reports: { signLimitHours: number };
  hotspots: { windowHours: number; baselineWindows: number; minCount: number; ratio: number; minExcess: number; checkMinutes: number };
  recordings: {
    storage: 'fs' | 's3';
    dir: string;
    retentionDays: number;
    s3: { endpoint: string; region: string; bucket: string; accessKeyId: string; secretAccessKey: string } | null;
    handlersMayListen: boolean;
  };
  transfer: { directoryFile: string | undefined; linkageRetryBaseMs: number };
}

export class ConfigError extends Error {
  constructor(readonly issues: { setting: string; message: string }[]) {
    super('invalid configuration:\n' + issues.map((i) => `  ${i.setting}: ${i.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ setting: String(i.path[0] ?? '?'), message: i.message })));
  }
  const e = parsed.data;
  const issues: { setting: string; message: string }[] = [];
  if (e.ASTERISK_MODE === 'external') {
    if (!e.ARI_URL) issues.push({ setting: 'ARI_URL', message: 'required when ASTERISK_MODE=external' });
    if (!e.ARI_PASSWORD) issues.push({ setting: 'ARI_PASSWORD', message: 'required when ASTERISK_MODE=external' });
    if (!e.SIP_WS_URL) issues.push({ setting: 'SIP_WS_URL', message: 'required when ASTERISK_MODE=external' });
  }
  if (e.RECORDINGS_STORAGE === 's3') {
    for (const k of ['RECORDINGS_S3_ENDPOINT', 'RECORDINGS_S3_BUCKET', 'RECORDINGS_S3_ACCESS_KEY_ID', 'RECORDINGS_S3_SECRET_ACCESS_KEY'] as const) {
      if (!e[k]) issues.push({ setting: k, message: 'required when RECORDINGS_STORAGE=s3' });
    }
  }
  if (issues.length) throw new ConfigError(issues);

  const stateDir = path.resolve(e.HOTLINE_STATE_DIR);
  const ariUrl = e.ARI_URL ?? `http://127.0.0.1:${e.ASTERISK_HTTP_PORT}`;
  return {
    projectRoot: PROJECT_ROOT,
    stateDir,
    server: {
      host: e.HOTLINE_HOST,
      port: e.HOTLINE_PORT,
      publicUrl: e.HOTLINE_PUBLIC_URL ?? `http://${e.HOTLINE_HOST}:${e.HOTLINE_PORT}`,
      trustProxy: listed(e.HOTLINE_TRUST_PROXY),
    },
    log: { level: e.LOG_LEVEL },
    asterisk: {
      mode: e.ASTERISK_MODE,
      root: path.resolve(e.ASTERISK_ROOT),
      debianMirror: e.ASTERISK_DEBIAN_MIRROR,
      instance: instanceName(stateDir),
      ari: { url: ariUrl, username: e.ARI_USERNAME, password: e.ARI_PASSWORD, app: e.ARI_APP },
      ami: { host: e.AMI_HOST, port: e.AMI_PORT, username: e.AMI_USERNAME, password: e.AMI_PASSWORD },
      httpPort: e.ASTERISK_HTTP_PORT,
      trunk: { ...e.SIP_TRUNK_BIND, peers: e.SIP_TRUNK_PEERS, carrier: e.SIP_TRUNK_CARRIER },
      rtpPorts: e.RTP_PORTS,
    },
    sip: {
      wsUrl: e.SIP_WS_URL ?? `ws://127.0.0.1:${e.ASTERISK_HTTP_PORT}/ws`,
      domain: e.SIP_DOMAIN ?? '127.0.0.1',
      realm: e.SIP_REALM,
      agentsVia: e.PJSIP_AGENTS,
    },
    serviceNumber: e.SERVICE_NUMBER,
    database: { url: e.DATABASE_URL, dataDir: path.join(stateDir, 'db') },
    acd: {
      ringTimeoutSeconds: e.ACD_RING_TIMEOUT_SECONDS,
      wrapUpSeconds: e.ACD_WRAP_UP_SECONDS,
      announce: e.ACD_ANNOUNCE_AFTER_SECONDS > 0 ? { firstAfterMs: e.ACD_ANNOUNCE_AFTER_SECONDS * 1000, everyMs: e.ACD_ANNOUNCE_EVERY_SECONDS * 1000 } : null,
      configFile: e.HOTLINE_ACD_CONFIG,
      mergedNumbers: parseMergedHotlines(e.HOTLINE_MERGED_NUMBERS),
      priorityCallersFile: e.ACD_PRIORITY_CALLERS,
    },
    demoAgents: e.HOTLINE_DEMO_DATA ? e.DEMO_AGENTS : 0,
    demoData: e.HOTLINE_DEMO_DATA,
    citizenPhone: e.CITIZEN_PHONE ? { maxCalls: e.CITIZEN_PHONE_MAX_CALLS, callsPerMinute: e.CITIZEN_PHONE_CALLS_PER_MINUTE } : null,
    recordCalls: e.HOTLINE_RECORD_CALLS,
    keywordSpotting: e.SPEECH_KEYWORD_SPOTTING,
    reports: { signLimitHours: e.REPORT_SIGN_LIMIT_HOURS },
    hotspots: {
      windowHours: e.HOTSPOT_WINDOW_HOURS,
      baselineWindows: e.HOTSPOT_BASELINE_WINDOWS,
      minCount: e.HOTSPOT_MIN_COUNT,
      ratio: e.HOTSPOT_RATIO,
      minExcess: e.HOTSPOT_MIN_EXCESS,
      checkMinutes: e.HOTSPOT_CHECK_MINUTES,
    },
    recordings: {
      storage: e.RECORDINGS_STORAGE,
      dir: path.resolve(e.RECORDINGS_DIR ?? path.join(stateDir, 'recordings')),
      retentionDays: e.RECORDING_RETENTION_DAYS,
      s3:
        e.RECORDINGS_S3_ENDPOINT && e.RECORDINGS_S3_BUCKET && e.RECORDINGS_S3_ACCESS_KEY_ID && e.RECORDINGS_S3_SECRET_ACCESS_KEY
          ? {
              endpoint: e.RECORDINGS_S3_ENDPOINT,
              region: e.RECORDINGS_S3_REGION,
              bucket: e.RECORDINGS_S3_BUCKET,
              accessKeyId: e.RECORDINGS_S3_ACCESS_KEY_ID,
              secretAccessKey: e.RECORDINGS_S3_SECRET_ACCESS_KEY,
            }
          : null,
      handlersMayListen: e.RECORDINGS_HANDLERS_MAY_LISTEN,
    },
    transfer: { directoryFile: e.HOTLINE_TRANSFER_DIRECTORY, linkageRetryBaseMs: e.LINKAGE_RETRY_BASE_MS },
  };
}

/** Stable short name per state folder, so a test run and `npm start` can share one Asterisk root. */
function instanceName(stateDir: string): string {
  let h = 0;
  for (const ch of stateDir) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return `i${h.toString(36)}`;
}
