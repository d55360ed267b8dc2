import { describe, expect, it } from 'vitest';
import { FIELD_LABELS_ZH, validateCreateWorkOrder } from '../../contracts/work-order-schemas.js';
import { validInput } from './testing.js';

function issuesOf(raw: unknown) {
  const r = validateCreateWorkOrder(raw);
  if (r.ok) throw new Error('expected validation to fail');
  return r.issues;
}

function messageFor(raw: unknown, field: string): string | undefined {
  return issuesOf(raw).find((i) => i.field === field)?.message;
}

const HAS_CJK = /[\u4e00-\u9fff]/;

describe('creation input validation', () => {
  it('accepts a valid order and fills defaults, trimming text', () => {
    const { urgency: _u, links: _l, ...rest } = validInput();
    const r = validateCreateWorkOrder({ ...rest, content: '  小区自来水停水两天了  ', citizen: { phone: '010-12345678' } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.urgency).toBe('normal');
    expect(r.value.links).toEqual({ callIds: [], recordingIds: [] });
    expect(r.value.citizen).toEqual({ phone: '010-12345678', confidential: false });
    expect(r.value.content).toBe('小区自来水停水两天了');
  });

  it.each(['13812345678', '19912345678', '010-12345678', '01012345678', '0755-1234567', '0571-87654321'])('accepts phone %s', (phone) => {
    expect(validateCreateWorkOrder(validInput({ citizen: { phone, confidential: true } })).ok).toBe(true);
  });

  it.each(['12812345678', '1381234567', '138123456789', '12345', '10-12345678', '010-123456', 'abc', ''])('rejects phone %j naming 联系电话', (phone) => {
    expect(messageFor(validInput({ citizen: { phone, confidential: false } }), 'citizen.phone')).toContain('联系电话');
  });

  it('requires the content with a minimum length', () => {
    expect(messageFor(validInput({ content: '   ' }), 'content')).toBe('诉求内容不能少于5个字');
    const { content: _c, ...noContent } = validInput();
    expect(messageFor(noContent, 'content')).toBe('诉求内容不能为空');
  });

  it('limits the summary length', () => {
    expect(messageFor(validInput({ summary: '长'.repeat(201) }), 'summary')).toBe('诉求摘要不能超过200个字');
    expect(validateCreateWorkOrder(validInput({ summary: '长'.repeat(200) })).ok).toBe(true);
  });

  it.each(['complaint', 'report'] as const)('requires a detailed address for %s', (type) => {
    const place = { district: '朝阳区' };
    expect(messageFor(validInput({ type, place }), 'place.address')).toBe('投诉、举报类工单须填写详细地址');
    expect(messageFor(validInput({ type, place: { district: '朝阳区', address: '  ' } }), 'place.address')).toContain('详细地址');
  });

  it('does not require an address for a consultation', () => {
    expect(validateCreateWorkOrder(validInput({ type: 'consultation', place: { district: '朝阳区' } })).ok).toBe(true);
  });

  it('reports the address rule together with other errors', () => {
    const fields = issuesOf(validInput({ type: 'report', place: { district: '朝阳区' }, content: '短' })).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['content', 'place.address']));
  });

  it.each([
    ['channel', { channel: 'fax' }, '受理渠道取值无效，应为：电话、网站、移动应用、微信、短信'],
    ['type', { type: 'praise' }, '诉求类型取值无效，应为：咨询、求助、投诉、举报、建议'],
    ['urgency', { urgency: 'very' }, '紧急程度取值无效，应为：一般、紧急'],
    ['timeLimitClass', { timeLimitClass: 'whenever' }, '时限类别取值无效，应为：紧急派单、危及生命财产安全、水电气暖、一般诉求、复杂诉求'],
  ])('refuses an unknown %s value', (field, patch, message) => {
    expect(messageFor({ ...validInput(), ...patch }, field)).toBe(message);
  });

  it('requires urgency urgent for the urgent-dispatch class', () => {
    expect(messageFor(validInput({ timeLimitClass: 'urgent_dispatch', urgency: 'normal' }), 'urgency')).toBe('时限类别为紧急派单时，紧急程度须为紧急');
    expect(validateCreateWorkOrder(validInput({ timeLimitClass: 'urgent_dispatch', urgency: 'urgent' })).ok).toBe(true);
  });

  it('names every missing required field in Chinese', () => {
    const issues = issuesOf({});
    expect(issues.map((i) => i.field).sort()).toEqual(['catalogItemCode', 'channel', 'citizen', 'content', 'place', 'summary', 'timeLimitClass', 'type']);
    for (const i of issues) {
      expect(i.message).toBe(`${FIELD_LABELS_ZH[i.field as keyof typeof FIELD_LABELS_ZH]}不能为空`);
    }
  });

  it('puts the Chinese field name in every field message', () => {
    const bad = {
      channel: 1,
      citizen: { phone: 13812345678, name: 'x'.repeat(51), confidential: 'yes' },
      type: null,
      catalogItemCode: '',
      place: { district: '', street: 5, address: 'x'.repeat(201) },
      content: 'x'.repeat(5001),
      summary: '',
      urgency: 'x',
      timeLimitClass: 3,
      links: { callIds: 'c1', recordingIds: [''], transcriptId: 9 },
    };
    const issues = issuesOf(bad);
    expect(issues.length).toBeGreaterThanOrEqual(15);
    for (const i of issues) {
      const label = FIELD_LABELS_ZH[i.field.replace(/\.\d+$/, '') as keyof typeof FIELD_LABELS_ZH];
      expect(label, `label for ${i.field}`).toBeDefined();
      expect(i.message, i.field).toContain(label);
      expect(i.message).toMatch(HAS_CJK);
    }
  });

  it('refuses a non-object body', () => {
    for (const raw of [null, 'x', 42, []]) expect(issuesOf(raw)).toEqual([{ field: '', message: '工单信息不能为空' }]);
  });
});
