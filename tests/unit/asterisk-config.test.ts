// Rendering of the asterisk-conf/ templates: missing placeholders and injection are refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fillTemplate, renderAgentEndpoints, renderAsteriskConfig, type AgentEndpoint, type AsteriskConfValues } from '../../telephony/asterisk-config.js';

const HA1 = '0123456789abcdef0123456789abcdef';
const agent: AgentEndpoint = { extension: '8001', displayName: '张三', sipHa1: HA1 };

describe('fillTemplate', () => {
  it('given all values, when filled, then every placeholder is replaced', () => {
    expect(fillTemplate('port={{PORT}}\nname={{NAME}}', { PORT: 8088, NAME: 'x' }, 't.conf')).toBe('port=8088\nname=x');
  });

  it('given a placeholder with no value, when filled, then it throws naming the placeholder and the source', () => {
    expect(() => fillTemplate('a={{PRESENT}} b={{MISSING_ONE}}', { PRESENT: 1 }, 'http.conf')).toThrow('http.conf: no value for {{MISSING_ONE}}');
  });

  it.each([
    ['a newline', 'secret\n[evil]'],
    ['a carriage return', 'secret\r\nallow=all'],
    ["a ';'", 'secret;comment'],
  ])('given a value containing %s, when filled, then it is refused', (_what, value) => {
    expect(() => fillTemplate('password={{PW}}', { PW: value }, 'ari.conf')).toThrow(/ari\.conf: value for \{\{PW\}\} contains a newline or ';'/);
  });
});

describe('renderAgentEndpoints', () => {
  it('given a valid agent, when rendered, then the softphone endpoint, the -desk endpoint and an md5_cred auth are present', () => {
    const text = renderAgentEndpoints([agent], 'hotline12345');
    expect(text).toMatch(/^\[8001\]\ntype=endpoint\n/m);
    expect(text).toMatch(/^\[8001\]\ntype=aor\n/m);
    expect(text).toMatch(/^\[8001-desk\]\ntype=endpoint\n/m);
    expect(text).toMatch(/^\[8001-desk\]\ntype=aor\n/m);
    expect(text).toMatch(/^\[8001-auth\]\ntype=auth\n/m);
    expect(text).toContain(`md5_cred=${HA1}`);
    expect(text).toContain('realm=hotline12345');
    expect(text).toContain('username=8001');
    expect(text).toContain('callerid="张三" <8001>');
    expect(text).not.toContain('{{');
    expect(text).not.toMatch(/^password=/m); // HA1 only, never a clear password
  });

  it('given several agents, when rendered, then each gets its own sections', () => {
    const text = renderAgentEndpoints([agent, { extension: '8002', displayName: 'Li Si', sipHa1: HA1 }], 'r');
    expect(text).toContain('[8001-auth]');
    expect(text).toContain('[8002-auth]');
    expect(text).toContain('[8002-desk]');
  });

  it('given no agents, when rendered, then only the header comment is produced', () => {
    const text = renderAgentEndpoints([], 'r');
    expect(
      text
        .trim()
        .split('\n')
        .every((l) => l.startsWith(';')),
    ).toBe(true);
  });

  it('given a display name with quote, angle brackets, backslash or ;, when rendered, then those characters are stripped', () => {
    const text = renderAgentEndpoints([{ ...agent, displayName: 'Bad"<Name>\\;x' }], 'r');
    expect(text).toContain('callerid="BadNamex" <8001>');
  });

  it.each(['12', '123456789', '80a1', '8001\n[x]', ''])('given extension %j, when rendered, then it is refused', (extension) => {
    expect(() => renderAgentEndpoints([{ ...agent, extension }], 'r')).toThrow(/must be 3-8 digits/);
  });

  it.each([
    ['too short', '0123456789abcdef'],
    ['upper case', HA1.toUpperCase()],
    ['not hex', 'g'.repeat(32)],
    ['empty', ''],
  ])('given an HA1 that is %s, when rendered, then it is refused', (_what, sipHa1) => {
    expect(() => renderAgentEndpoints([{ ...agent, sipHa1 }], 'r')).toThrow('agent 8001 has no valid SIP HA1');
  });
});

describe('renderAsteriskConfig', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  function values(overrides: Partial<AsteriskConfValues> = {}): AsteriskConfValues {
    return {
      INSTANCE_DIR: '/tmp/hotline-test-instance',
      HTTP_PORT: 18088,
      ARI_USERNAME: 'hotline',
      ARI_PASSWORD: 'ari-secret-0123456789',
      TRUNK_CARRIER: '127.0.0.1:15062',
      ARI_APP: 'hotline',
      AMI_PORT: 15038,
      AMI_USERNAME: 'hotline',
      AMI_PASSWORD: 'ami-secret-0123456789',
      TRUNK_HOST: '127.0.0.1',
      TRUNK_PORT: 15060,
      TRUNK_PEERS: '127.0.0.1',
      RTP_START: 10000,
      RTP_END: 20000,
      SERVICE_NUMBER: '12345',
      SIP_REALM: 'hotline12345',
      CITIZEN_MAX_CALLS: 4,
      ...overrides,
    };
  }

  function tempEtc(): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-asterisk-config-'));
    dirs.push(d);
    return path.join(d, 'etc'); // not yet existing: the renderer must create it
  }

  it('given valid values, when rendered into a temp dir, then every file is written with no placeholder left', () => {
    const etc = tempEtc();
    const written = renderAsteriskConfig(etc, values(), [agent]);
    const expected = [
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
      'pjsip_agents.conf',
      'pjsip_citizen.conf',
      'extensions_merged.conf',
    ];
    expect([...written].sort()).toEqual([...expected].sort());
    expect(fs.readdirSync(etc).sort()).toEqual([...expected].sort());
    for (const name of written) {
      const text = fs.readFileSync(path.join(etc, name), 'utf8');
      expect(text, name).not.toContain('{{');
      expect(fs.statSync(path.join(etc, name)).mode & 0o077, `${name} must not be readable by others`).toBe(0);
    }
  });

  it('given valid values, when rendered, then http.conf and manager.conf bind to 127.0.0.1 only (security default)', () => {
    const etc = tempEtc();
    renderAsteriskConfig(etc, values(), [agent]);
    const http = fs.readFileSync(path.join(etc, 'http.conf'), 'utf8');
    const manager = fs.readFileSync(path.join(etc, 'manager.conf'), 'utf8');
    expect(http.match(/^bindaddr=.*$/gm)).toEqual(['bindaddr=127.0.0.1']);
    expect(http).toMatch(/^bindport=18088$/m);
    expect(manager.match(/^bindaddr=.*$/gm)).toEqual(['bindaddr=127.0.0.1']);
    expect(manager).toMatch(/^port=15038$/m);
  });

  it('given an ARI password, when rendered, then ari.conf contains it and no placeholder', () => {
    const etc = tempEtc();
    renderAsteriskConfig(etc, values({ ARI_PASSWORD: 'Zq7-unique-ari-pass' }), []);
    const ari = fs.readFileSync(path.join(etc, 'ari.conf'), 'utf8');
    expect(ari).toMatch(/^password=Zq7-unique-ari-pass$/m);
    expect(ari).toMatch(/^\[hotline\]$/m);
    expect(ari).not.toContain('{{');
  });

  it('given agents via ARI (the default), when rendered, then no agent is in a file and sorcery keeps pushed objects in memory', () => {
    const etc = tempEtc();
    renderAsteriskConfig(etc, values(), [agent]);
    expect(fs.readFileSync(path.join(etc, 'pjsip_agents.conf'), 'utf8')).not.toContain('[8001');
    const sorcery = fs.readFileSync(path.join(etc, 'sorcery.conf'), 'utf8');
    for (const type of ['endpoint', 'aor', 'auth']) expect(sorcery).toMatch(new RegExp(`^${type}=memory$`, 'm'));
  });

  it('given agents via file, when rendered, then pjsip_agents.conf holds their endpoints', () => {
    const etc = tempEtc();
    renderAsteriskConfig(etc, values(), [agent], { agentsVia: 'file' });
    const agents = fs.readFileSync(path.join(etc, 'pjsip_agents.conf'), 'utf8');
    expect(agents).toContain('[8001-desk]');
    expect(agents).toContain(`md5_cred=${HA1}`);
  });

  it('given the citizen page on, when rendered, then its endpoint lands in a context that reaches the service number only', () => {
    const etc = tempEtc();
    renderAsteriskConfig(etc, values({ CITIZEN_MAX_CALLS: 3 }), [agent], { citizen: { sipHa1: HA1, maxContacts: 20 } });
    const citizen = fs.readFileSync(path.join(etc, 'pjsip_citizen.conf'), 'utf8');
    expect(citizen).toMatch(/^context=from-citizen-web$/m);
    expect(citizen).toMatch(/^max_contacts=20$/m);
    expect(citizen).toContain(`md5_cred=${HA1}`);
    const dialplan = fs.readFileSync(path.join(etc, 'extensions.conf'), 'utf8');
    const context = dialplan.slice(dialplan.indexOf('[from-citizen-web]'), dialplan.indexOf('[agents]'));
    // the service number goes to the application (with its own tag), everything else is refused
    expect(context).toMatch(/^exten => 12345,1,/m);
    expect(context).toContain('(enter),Stasis(hotline,inbound,web)');
    expect(context).toContain('GROUP_COUNT(citizen-web)} > 3');
    expect(context.match(/^exten => /gm)).toHaveLength(2);
    expect(context).toMatch(/^exten => _X\.,1,Hangup\(1\)$/m);
    expect(context).not.toMatch(/Dial\(|Goto\((agents|from-trunk)/);
  });

  it('given the citizen page off, when rendered, then no citizen endpoint exists', () => {
    const etc = tempEtc();
    renderAsteriskConfig(etc, values(), [agent], { citizen: null });
    expect(fs.readFileSync(path.join(etc, 'pjsip_citizen.conf'), 'utf8')).not.toContain('type=endpoint');
  });

  it('given merged hotline numbers, when rendered, then the trunk takes each into the application', () => {
    const etc = tempEtc();
    renderAsteriskConfig(etc, values(), [], { mergedNumbers: ['12329', '12333'] });
    const merged = fs.readFileSync(path.join(etc, 'extensions_merged.conf'), 'utf8');
    expect(merged.match(/^exten => \d+,1,/gm)).toEqual(['exten => 12329,1,', 'exten => 12333,1,']);
    expect(merged.match(/\(enter\),Stasis\(hotline,inbound\)/g)).toHaveLength(2);
    expect(merged.match(/Goto\(enter\)/g)).toHaveLength(2);
    expect(fs.readFileSync(path.join(etc, 'extensions.conf'), 'utf8')).toContain('#include extensions_merged.conf');
    expect(() => renderAsteriskConfig(etc, values(), [], { mergedNumbers: ['12329;evil'] })).toThrow(/3-8 digits/);
  });

  it('given a call while the application is not connected (a server restart), then every way in retries the hand-over every second for up to 60 s', () => {
    const etc = tempEtc();
    renderAsteriskConfig(etc, values({ CITIZEN_MAX_CALLS: 3 }), [], { citizen: { sipHa1: HA1, maxContacts: 2 }, mergedNumbers: ['12329'] });
    const dialplan = fs.readFileSync(path.join(etc, 'extensions.conf'), 'utf8') + fs.readFileSync(path.join(etc, 'extensions_merged.conf'), 'utf8');
    const loops = dialplan.match(/ same => n\(enter\),Stasis\(hotline,[a-z,]+\)\n(?: same => .*\n){5} same => n\(out\),Hangup\(\)/g) ?? [];
    expect(loops).toHaveLength(3); // the service number, the citizen page, 12329
    for (const loop of loops) {
      expect(loop).toContain('GotoIf($["${STASISSTATUS}" != "FAILED" | ${tries} >= 60]?out)');
      expect(loop).toContain(' same => n,Ringing()\n same => n,Wait(1)\n same => n,Goto(enter)');
    }
  });

  it('given a password containing a newline, when rendered, then it is refused', () => {
    const etc = tempEtc();
    expect(() => renderAsteriskConfig(etc, values({ ARI_PASSWORD: 'x\n[evil]\ntype=user' }), [])).toThrow(/ari\.conf/);
  });
});
