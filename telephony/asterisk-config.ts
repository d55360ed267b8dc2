// Renders asterisk-conf/ templates into an instance's etc folder. Placeholders are {{NAME}}; a placeholder
// without a value is an error rather than an empty string in a live PBX configuration.
import fs from 'node:fs';
import path from 'node:path';

export interface AgentEndpoint {
  extension: string;
  displayName: string;
  sipHa1: string;
}

export interface AsteriskConfValues {
  INSTANCE_DIR: string;
  HTTP_PORT: number;
  ARI_USERNAME: string;
  ARI_PASSWORD: string;
  ARI_APP: string;
  AMI_PORT: number;
  AMI_USERNAME: string;
  AMI_PASSWORD: string;
  TRUNK_HOST: string;
  TRUNK_PORT: number;
  TRUNK_PEERS: string;
  TRUNK_CARRIER: string;
  RTP_START: number;
  RTP_END: number;
  SERVICE_NUMBER: string;
  SIP_REALM: string;
  /** Calls at once from the citizen phone page (0 when it is off). */
  CITIZEN_MAX_CALLS: number;
}

/** The citizen phone page's endpoint, or null when the page is off. */
export interface CitizenEndpoint {
  sipHa1: string;
  /** Browsers registered at once (one per open page). */
  maxContacts: number;
}

const TEMPLATE_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'asterisk-conf');
const CONF_FILES = [
  'asterisk.conf',
  'modules.conf',
  'logger.conf',
  'http.conf',
  'ari.conf',
  'manager.conf',
  'rtp.conf',
  'musiconhold.conf',
  'extensions.conf',
  'pjsip.conf',
  'sorcery.conf',
] as const;

export function fillTemplate(template: string, values: Record<string, string | number>, source: string): string {
  return template.replace(/\{\{([A-Z0-9_]+)\}\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`${source}: no value for {{${name}}}`);
    const text = String(v);
    // a newline or ';' in a value would let it inject configuration
    if (/[\r\n;]/.test(text)) throw new Error(`${source}: value for {{${name}}} contains a newline or ';'`);
    return text;
  });
}

export function renderAgentEndpoints(agents: readonly AgentEndpoint[], realm: string): string {
  const tmpl = fs.readFileSync(path.join(TEMPLATE_DIR, 'pjsip_agent.conf.tmpl'), 'utf8');
  const header = '; generated from the users table at start: do not edit\n\n';
  return (
    header +
    agents
      .map((a) => {
        if (!/^\d{3,8}$/.test(a.extension)) throw new Error(`agent extension ${a.extension} must be 3-8 digits`);
        if (!/^[0-9a-f]{32}$/.test(a.sipHa1)) throw new Error(`agent ${a.extension} has no valid SIP HA1`);
        const displayName = a.displayName.replace(/["<>\\;]/g, '');
        return fillTemplate(tmpl, { EXTENSION: a.extension, DISPLAY_NAME: displayName, SIP_HA1: a.sipHa1, SIP_REALM: realm }, 'pjsip_agent');
      })
      .join('')
  );
}

export function renderCitizenEndpoint(citizen: CitizenEndpoint | null, realm: string): string {
  if (!citizen) return '; the citizen phone page is off (CITIZEN_PHONE=false)\n';
  if (!/^[0-9a-f]{32}$/.test(citizen.sipHa1)) throw new Error('citizen endpoint has no valid SIP HA1');
  const tmpl = fs.readFileSync(path.join(TEMPLATE_DIR, 'pjsip_citizen.conf.tmpl'), 'utf8');
  return fillTemplate(tmpl, { CITIZEN_HA1: citizen.sipHa1, CITIZEN_MAX_CONTACTS: citizen.maxContacts, SIP_REALM: realm }, 'pjsip_citizen');
}

/** Writes every config file into etcDir; returns the list of files written. */
/** Numbers besides the service number that the trunk takes into the application (merged national hotlines). */
/** As in extensions.conf: a call arriving while the application is not connected (a server restart) waits up to 60 s for it. */
function stasisWithRetry(app: string, args: string): string {
  return (
    [
      ` same => n,Set(tries=0)`,
      ` same => n(enter),Stasis(${app},${args})`,
      ` same => n,GotoIf($["\${STASISSTATUS}" != "FAILED" | \${tries} >= 60]?out)`,
      ` same => n,Set(tries=$[\${tries} + 1])`,
      ` same => n,Ringing()`,
      ` same => n,Wait(1)`,
      ` same => n,Goto(enter)`,
      ` same => n(out),Hangup()`,
    ].join('\n') + '\n'
  );
}

export function renderMergedNumbers(numbers: readonly string[], app: string): string {
  const header = '; generated from HOTLINE_MERGED_NUMBERS at start: do not edit\n';
  return (
    header +
    numbers
      .map((n) => {
        if (!/^\d{3,8}$/.test(n)) throw new Error(`merged hotline number ${n} must be 3-8 digits`);
        return `exten => ${n},1,NoOp(merged hotline ${n} from \${CALLERID(num)})\n ${stasisWithRetry(app, 'inbound')}`;
      })
      .join('')
  );
}

export interface ConfigExtras {
  /** The citizen phone page's endpoint, or null when the page is off. */
  citizen?: CitizenEndpoint | null;
  /** Merged national hotline numbers the trunk also accepts. */
  mergedNumbers?: readonly string[];
  /**
   * How agents' endpoints reach Asterisk: 'ari' (default) — pushed over ARI at every connect, the file stays
   * empty; 'file' — written into pjsip_agents.conf (an Asterisk without ARI push configuration).
   */
  agentsVia?: 'ari' | 'file';
}

export function renderAsteriskConfig(etcDir: string, values: AsteriskConfValues, agents: readonly AgentEndpoint[], extras: ConfigExtras = {}): string[] {
  fs.mkdirSync(etcDir, { recursive: true });
  const vals = values as unknown as Record<string, string | number>;
  const written: string[] = [];
  for (const name of CONF_FILES) {
    const text = fillTemplate(fs.readFileSync(path.join(TEMPLATE_DIR, name), 'utf8'), vals, name);
    fs.writeFileSync(path.join(etcDir, name), text, { mode: 0o600 });
    written.push(name);
  }
  const agentsText =
    extras.agentsVia === 'file'
      ? renderAgentEndpoints(agents, values.SIP_REALM)
      : '; agents are pushed over ARI (PJSIP_AGENTS=ari): see sorcery.conf and telephony/pjsip-objects.ts\n';
  fs.writeFileSync(path.join(etcDir, 'pjsip_agents.conf'), agentsText, { mode: 0o600 });
  written.push('pjsip_agents.conf');
  fs.writeFileSync(path.join(etcDir, 'pjsip_citizen.conf'), renderCitizenEndpoint(extras.citizen ?? null, values.SIP_REALM), { mode: 0o600 });
  written.push('pjsip_citizen.conf');
  fs.writeFileSync(path.join(etcDir, 'extensions_merged.conf'), renderMergedNumbers(extras.mergedNumbers ?? [], values.ARI_APP), { mode: 0o600 });
  written.push('extensions_merged.conf');
  return written;
}
