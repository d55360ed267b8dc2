import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { maskLogLine, maskPhoneNumber, maskPhoneNumbersInText, unmaskedPhoneNumbers } from './log-masking.js';
import { createLogger } from './logger.js';

describe('maskPhoneNumber', () => {
  it('keeps the first 3 and last 4 digits of a mobile, however it is written', () => {
    for (const raw of ['13812345678', '138-1234-5678', '138 1234 5678', '+86 138 1234 5678', '+8613812345678', '008613812345678', '013812345678']) {
      expect(maskPhoneNumber(raw), raw).toBe('138****5678');
    }
  });
  it('keeps the area code and last 4 digits of a landline', () => {
    expect(maskPhoneNumber('0755-12345678')).toBe('0755-****5678');
    expect(maskPhoneNumber('075512345678')).toBe('0755-****5678');
    expect(maskPhoneNumber('(0755) 1234 5678')).toBe('0755-****5678');
    expect(maskPhoneNumber('+86 755 1234 5678')).toBe('0755-****5678');
    expect(maskPhoneNumber('010-12345678')).toBe('010-****5678');
    expect(maskPhoneNumber('02087654321')).toBe('020-****4321');
    expect(maskPhoneNumber('0310-1234567')).toBe('0310-****4567');
  });
  it('keeps only the last 4 digits of a number of unknown shape (a local number without its area code)', () => {
    expect(maskPhoneNumber('88886666')).toBe('****6666');
    expect(maskPhoneNumber('0755110')).toBe('****5110');
  });
  it('leaves service numbers and extensions alone: they are not personal', () => {
    for (const n of ['110', '120', '119', '12345', '95588', '1001', '10086', '']) expect(maskPhoneNumber(n)).toBe(n);
  });
  it('masks only the numbers inside something that is not a number', () => {
    expect(maskPhoneNumber('PJSIP/13812345678-00000001')).toBe('PJSIP/138****5678-00000001');
  });
  it('gives what it masked back unchanged', () => {
    for (const raw of ['13812345678', '0755-12345678', '88886666']) expect(maskPhoneNumber(maskPhoneNumber(raw))).toBe(maskPhoneNumber(raw));
  });
});

describe('maskPhoneNumbersInText', () => {
  it('masks mobiles and landlines wherever they appear', () => {
    expect(maskPhoneNumbersInText('来电13800138000已接通')).toBe('来电138****8000已接通');
    expect(maskPhoneNumbersInText('sip:13800138000@127.0.0.1:5060')).toBe('sip:138****8000@127.0.0.1:5060');
    expect(maskPhoneNumbersInText('PJSIP/trunk/sip:075512345678@carrier')).toBe('PJSIP/trunk/sip:0755-****5678@carrier');
    expect(maskPhoneNumbersInText('call back 010-87654321 or 139 0013 9000.')).toBe('call back 010-****4321 or 139****9000.');
    expect(maskPhoneNumbersInText('caller13800138000')).toBe('caller138****8000');
  });
  it('does not take ids, times or codes for numbers', () => {
    const untouched = [
      'GD20261207-000123', // work-order code
      '1765000000.12', // Asterisk channel id
      '1765000000123', // epoch milliseconds
      '2026-12-07T10:00:00.000+08:00',
      'leg-123e4567-e89b-12d3-a456-075512345678', // a UUID whose last group is all digits
      'd41d8cd98f00b204e980099813800138000f8427e' + '0123456789abcdef0123456789', // a hash
      'PJSIP/trunk-00000012',
      '0.13800138000', // a fraction
      '1380013800012', // 13 digits: no phone number
      'queue 12345, agent 1001, 110 and 120',
      '138****8000 0755-****5678 ****6666', // already masked
    ];
    for (const s of untouched) expect(maskPhoneNumbersInText(s), s).toBe(s);
  });
});

describe('maskLogLine', () => {
  const line = (o: object) => `${JSON.stringify(o)}\n`;
  it('gives a line with nothing to mask back as it is', () => {
    const l = line({ level: 30, time: 1765000000123, callId: '123e4567-e89b-12d3-a456-426614174000', channelId: '1765000000.12', msg: 'call queued' });
    expect(maskLogLine(l)).toBe(l);
  });
  it('masks phone fields (nested, or JSON numbers), messages and error stacks; keeps the newline', () => {
    const masked = maskLogLine(
      line({
        level: 30,
        time: 1765000000123,
        callerNumber: '88886666',
        callbackNumber: 13800138000,
        caller: { name: '', number: '+86 138 0013 8001' },
        targets: [{ number: '075512345678' }],
        dialed: '12345',
        err: { message: 'could not dial 13800138002', stack: 'Error: could not dial 13800138002\n    at x (y.ts:1:1)' },
        waitedMs: 1234567,
        sizeBytes: 13800138000,
        msg: 'callback to 13800138003',
      }),
    );
    expect(masked.endsWith('\n')).toBe(true);
    expect(JSON.parse(masked)).toEqual({
      level: 30,
      time: 1765000000123,
      callerNumber: '****6666',
      callbackNumber: '138****8000',
      caller: { name: '', number: '138****8001' },
      targets: [{ number: '0755-****5678' }],
      dialed: '12345',
      err: { message: 'could not dial 138****8002', stack: 'Error: could not dial 138****8002\n    at x (y.ts:1:1)' },
      waitedMs: 1234567,
      sizeBytes: 13800138000,
      msg: 'callback to 138****8003',
    });
  });
  it('masks a line that is not JSON as text', () => {
    expect(maskLogLine('hotline: 13800138000 refused\n')).toBe('hotline: 138****8000 refused\n');
  });
  it('tells the check which numbers a line shows unmasked', () => {
    expect(unmaskedPhoneNumbers(line({ callerNumber: '13800138000', msg: 'from 0755-12345678' }))).toEqual(['13800138000', '0755-12345678']);
    expect(unmaskedPhoneNumbers(maskLogLine(line({ callerNumber: '13800138000', msg: 'from 0755-12345678' })))).toEqual([]);
  });
});

describe('createLogger', () => {
  it('masks every number the server logs: fields, messages, child bindings and errors', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger('info', { destination, time: 'epoch' });
    const call = log.child({ callId: 'c-1', callerNumber: '13800138000' });
    call.info({ callbackNumber: '13900139000', dialed: '12345' }, 'callback registered');
    call.warn('caller 13700137000 hung up');
    call.error({ err: new Error('dial 0755-12345678 failed') }, 'transfer failed');
    const all = lines.join('');
    expect(all).not.toMatch(/13800138000|13900139000|13700137000|12345678/);
    const [first, , third] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ callId: 'c-1', callerNumber: '138****8000', callbackNumber: '139****9000', dialed: '12345', msg: 'callback registered' });
    expect(typeof first?.time).toBe('number');
    expect((third?.err as { message: string }).message).toBe('dial 0755-****5678 failed');
    expect(all).toContain('caller 137****7000 hung up');
  });
});
