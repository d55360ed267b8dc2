import { describe, expect, it } from 'vitest';
import { renderAgentEndpoints } from './asterisk-config.js';
import { parsePjsipSections, pushOrder } from './pjsip-objects.js';

const HA1 = '0123456789abcdef0123456789abcdef';

describe('PJSIP objects from the agent template', () => {
  it('gives each agent an auth, two aors and two endpoints (browser and desk phone), auth and aors first', () => {
    const objects = pushOrder(parsePjsipSections(renderAgentEndpoints([{ extension: '1001', displayName: '座席1001', sipHa1: HA1 }], 'hotline12345')));
    expect(objects.map((o) => `${o.type}:${o.id}`)).toEqual(['auth:1001-auth', 'aor:1001', 'aor:1001-desk', 'endpoint:1001', 'endpoint:1001-desk']);
    const browser = objects.find((o) => o.type === 'endpoint' && o.id === '1001')!;
    expect(browser.fields).toEqual(
      expect.arrayContaining([
        { attribute: 'webrtc', value: 'yes' },
        { attribute: 'auth', value: '1001-auth' },
        { attribute: 'context', value: 'agents' },
        { attribute: 'callerid', value: '"座席1001" <1001>' },
      ]),
    );
    expect(browser.fields.some((f) => f.attribute === 'type')).toBe(false);
    const auth = objects[0]!;
    expect(auth.fields).toEqual(
      expect.arrayContaining([
        { attribute: 'md5_cred', value: HA1 },
        { attribute: 'username', value: '1001' },
      ]),
    );
  });

  it('refuses sections it cannot push', () => {
    expect(() => parsePjsipSections('[t]\ntype=transport\nprotocol=udp\n')).toThrow(/\[t\] has type transport/);
    expect(() => parsePjsipSections('[x]\nallow=ulaw\n')).toThrow(/\[x\] has type \(none\)/);
    expect(() => parsePjsipSections('allow=ulaw\n')).toThrow(/cannot parse/);
  });
});
