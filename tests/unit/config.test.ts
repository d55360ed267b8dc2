// loadConfig(env) against fresh env objects: never process.env.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../platform/config.js';

/** Runs loadConfig and returns the ConfigError it must throw. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig defaults', () => {
  it('given an empty environment, when the config is loaded, then the documented defaults apply', () => {
    const c = loadConfig({});
    expect(c.server.port).toBe(8080);
    expect(c.server.host).toBe('127.0.0.1');
    expect(c.server.publicUrl).toBe('http://127.0.0.1:8080');
    expect(c.asterisk.httpPort).toBe(8088);
    expect(c.asterisk.trunk).toEqual({ host: '127.0.0.1', port: 5060, peers: '127.0.0.1', carrier: '127.0.0.1:5062' });
    expect(c.asterisk.mode).toBe('embedded');
    expect(c.asterisk.ari.url).toBe('http://127.0.0.1:8088');
    expect(c.asterisk.ari.password).toBeUndefined();
    expect(c.asterisk.rtpPorts).toEqual([10000, 20000]);
    expect(c.sip.wsUrl).toBe('ws://127.0.0.1:8088/ws');
    expect(c.acd.ringTimeoutSeconds).toBe(15);
    expect(c.acd.wrapUpSeconds).toBe(30);
    expect(c.serviceNumber).toBe('12345');
    expect(c.database.url).toBeUndefined();
    expect(c.recordCalls).toBe(true);
  });

  it('given valid overrides, when the config is loaded, then they are parsed and typed', () => {
    const c = loadConfig({
      HOTLINE_PORT: '9090',
      ASTERISK_HTTP_PORT: '18088',
      SIP_TRUNK_BIND: '0.0.0.0:5070',
      RTP_PORTS: '30000-30100',
      ACD_RING_TIMEOUT_SECONDS: '20',
      HOTLINE_RECORD_CALLS: 'no',
      DATABASE_URL: 'postgres://u:p@db/hotline',
    });
    expect(c.server.port).toBe(9090);
    expect(c.asterisk.httpPort).toBe(18088);
    expect(c.asterisk.trunk).toMatchObject({ host: '0.0.0.0', port: 5070 });
    expect(c.asterisk.rtpPorts).toEqual([30000, 30100]);
    expect(c.acd.ringTimeoutSeconds).toBe(20);
    expect(c.recordCalls).toBe(false);
    expect(c.database.url).toBe('postgres://u:p@db/hotline');
  });

  it('given the same env object twice, when loaded, then the results are equal (no hidden state, no process.env)', () => {
    expect(loadConfig({ HOTLINE_PORT: '8181' })).toEqual(loadConfig({ HOTLINE_PORT: '8181' }));
  });

  it('given ASTERISK_MODE=external with ARI_URL, ARI_PASSWORD and SIP_WS_URL, when loaded, then they are used', () => {
    const c = loadConfig({
      ASTERISK_MODE: 'external',
      ARI_URL: 'http://pbx.example:8088',
      ARI_PASSWORD: 'a-long-enough-secret',
      SIP_WS_URL: 'wss://pbx.example:8089/ws',
    });
    expect(c.asterisk.mode).toBe('external');
    expect(c.asterisk.ari.url).toBe('http://pbx.example:8088');
    expect(c.asterisk.ari.password).toBe('a-long-enough-secret');
    expect(c.sip.wsUrl).toBe('wss://pbx.example:8089/ws');
  });
});

describe('loadConfig refusals', () => {
  it.each(['abc', '70000', '0', '80.5'])('given HOTLINE_PORT=%s, when loaded, then ConfigError names HOTLINE_PORT', (value) => {
    const err = configError({ HOTLINE_PORT: value });
    expect(err.message).toContain('HOTLINE_PORT');
    expect(err.issues.map((i) => i.setting)).toEqual(['HOTLINE_PORT']);
    expect(err.name).toBe('ConfigError');
  });

  it('given HOTLINE_TRUST_PROXY, when loaded, then only the listed proxies are trusted; none by default; "all" or junk is refused', () => {
    expect(loadConfig({}).server.trustProxy).toEqual([]);
    expect(loadConfig({ HOTLINE_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,fd00::/8' }).server.trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
    for (const bad of ['true', '*', '10.0.0.0/33', '10.0.0.1/8/2', 'proxy.example.cn'])
      expect(
        configError({ HOTLINE_TRUST_PROXY: bad }).issues.map((i) => i.setting),
        bad,
      ).toEqual(['HOTLINE_TRUST_PROXY']);
  });

  it('given SIP_TRUNK_BIND=nonsense, when loaded, then ConfigError names SIP_TRUNK_BIND', () => {
    const err = configError({ SIP_TRUNK_BIND: 'nonsense' });
    expect(err.message).toContain('SIP_TRUNK_BIND');
    expect(err.issues.map((i) => i.setting)).toContain('SIP_TRUNK_BIND');
  });

  it('given SIP_TRUNK_BIND with an out-of-range port, when loaded, then ConfigError names SIP_TRUNK_BIND', () => {
    const err = configError({ SIP_TRUNK_BIND: '127.0.0.1:99999' });
    expect(err.message).toContain('SIP_TRUNK_BIND');
  });

  it('given ASTERISK_MODE=external without ARI_URL, ARI_PASSWORD and SIP_WS_URL, when loaded, then ConfigError names all three', () => {
    const err = configError({ ASTERISK_MODE: 'external' });
    expect(err.issues.map((i) => i.setting).sort()).toEqual(['ARI_PASSWORD', 'ARI_URL', 'SIP_WS_URL']);
    for (const name of ['ARI_URL', 'ARI_PASSWORD', 'SIP_WS_URL']) expect(err.message).toContain(name);
  });

  it('given ASTERISK_MODE=external with only ARI_URL missing, when loaded, then only ARI_URL is named', () => {
    const err = configError({ ASTERISK_MODE: 'external', ARI_PASSWORD: 'a-long-enough-secret', SIP_WS_URL: 'ws://pbx:8088/ws' });
    expect(err.issues.map((i) => i.setting)).toEqual(['ARI_URL']);
  });

  it.each(['20000-10000', '10000-10000', '80-2000', '10000-70000', '10000'])(
    'given RTP_PORTS=%s, when loaded, then it is refused naming RTP_PORTS',
    (value) => {
      const err = configError({ RTP_PORTS: value });
      expect(err.message).toContain('RTP_PORTS');
    },
  );

  it('given ARI_PASSWORD shorter than 12 characters, when loaded, then it is refused naming ARI_PASSWORD', () => {
    const err = configError({ ARI_PASSWORD: 'short-pass1' }); // 11 characters
    expect(err.issues.map((i) => i.setting)).toEqual(['ARI_PASSWORD']);
    expect(err.message).toContain('at least 12 characters');
    expect(loadConfig({ ARI_PASSWORD: 'short-pass12' }).asterisk.ari.password).toBe('short-pass12');
  });

  it('given DATABASE_URL=mysql://x, when loaded, then it is refused naming DATABASE_URL', () => {
    const err = configError({ DATABASE_URL: 'mysql://x' });
    expect(err.issues.map((i) => i.setting)).toEqual(['DATABASE_URL']);
    expect(err.message).toContain('postgres');
  });

  it('given several bad settings, when loaded, then every one is named in a single ConfigError', () => {
    const err = configError({ HOTLINE_PORT: 'abc', DATABASE_URL: 'mysql://x', RTP_PORTS: '20000-10000' });
    expect(err.issues.map((i) => i.setting).sort()).toEqual(['DATABASE_URL', 'HOTLINE_PORT', 'RTP_PORTS']);
  });
});
