import { describe, expect, it } from 'vitest';
import { detectDistrict, dispatch, findDistrictMentions, suggestItems } from './dispatch.js';
import { loadSampleCatalog } from './sample.js';

const catalog = loadSampleCatalog();
const top = (text: string) => suggestItems(catalog, text)[0]?.itemCode;

describe('dispatch', () => {
  it('sends a city-wide item to its department, whatever the district', () => {
    const r = dispatch(catalog, { itemCode: 'C03.001' });
    expect(r).toMatchObject({ kind: 'auto', itemCode: 'C03.001', departmentCode: 'city.hpf' });
    expect(dispatch(catalog, { itemCode: 'C03.001', district: 'nanshan' })).toMatchObject({ kind: 'auto', departmentCode: 'city.hpf' });
    expect(dispatch(catalog, { itemCode: 'C12.001', district: 'no-such-district' })).toMatchObject({ kind: 'auto', departmentCode: 'util.water' });
    expect(r.reason).toContain('市住房公积金管理中心');
  });

  it('sends a local item to the district’s department', () => {
    expect(dispatch(catalog, { itemCode: 'C04.001', district: 'nanshan' })).toMatchObject({ kind: 'auto', departmentCode: 'nanshan.gov' });
    expect(dispatch(catalog, { itemCode: 'C07.001', district: 'futian' })).toMatchObject({ kind: 'auto', departmentCode: 'futian.urban' });
    // per-district exceptions in the map are followed
    expect(dispatch(catalog, { itemCode: 'C04.001', district: 'shenshan' })).toMatchObject({ kind: 'auto', departmentCode: 'shenshan.urban' });
    expect(dispatch(catalog, { itemCode: 'C14.001', district: 'dapeng' })).toMatchObject({ kind: 'auto', departmentCode: 'dapeng.urban' });
    expect(dispatch(catalog, { itemCode: 'C14.001', district: 'baoan' })).toMatchObject({ kind: 'auto', departmentCode: 'baoan.gov' });
  });

  it('goes to the manual desk when the item is missing or unknown', () => {
    expect(dispatch(catalog, { itemCode: undefined })).toMatchObject({ kind: 'manual', code: 'no_item' });
    expect(dispatch(catalog, { itemCode: '  ' })).toMatchObject({ kind: 'manual', code: 'no_item' });
    const r = dispatch(catalog, { itemCode: 'C99.999', district: 'futian' });
    expect(r).toMatchObject({ kind: 'manual', code: 'unknown_item' });
    expect(r.reason).toContain('C99.999');
  });

  it('goes to the manual desk for a local item without a known district', () => {
    expect(dispatch(catalog, { itemCode: 'C04.001' })).toMatchObject({ kind: 'manual', code: 'district_missing', itemCode: 'C04.001' });
    expect(dispatch(catalog, { itemCode: 'C04.001', district: null })).toMatchObject({ kind: 'manual', code: 'district_missing' });
    const r = dispatch(catalog, { itemCode: 'C04.001', district: 'atlantis' });
    expect(r).toMatchObject({ kind: 'manual', code: 'unknown_district' });
    expect(r.reason).toContain('atlantis');
    // a district code must be an own key of the map, not something inherited
    expect(dispatch(catalog, { itemCode: 'C04.001', district: 'constructor' })).toMatchObject({ kind: 'manual', code: 'unknown_district' });
  });
});

describe('suggestItems', () => {
  it.each([
    ['楼上装修噪音', 'C04.001'],
    ['楼上邻居天天装修，电钻声吵得睡不着', 'C04.001'],
    ['工地半夜还在施工，吵得睡不着', 'C04.002'],
    ['公积金提取', 'C03.001'],
    ['想咨询一下公积金提取需要什么材料', 'C03.001'],
    ['公积金贷款额度怎么算', 'C03.002'],
    ['停水', 'C12.001'],
    ['我们小区从早上开始停水了', 'C12.001'],
    ['老板拖欠工资三个月了', 'C02.001'],
    ['楼道里有很浓的煤气味', 'C13.006'],
    ['马路上的井盖丢了', 'C06.007'],
    ['门口有小贩摆摊占道经营', 'C07.001'],
    ['小区电梯坏了把人困在里面', 'C05.006'],
    ['家里突然停电了', 'C13.001'],
  ])('%s → %s', (text, item) => {
    expect(top(text)).toBe(item);
  });

  it('reports the matched keywords and scores in descending order', () => {
    const s = suggestItems(catalog, '楼上装修噪音太大了');
    expect(s[0]).toMatchObject({ itemCode: 'C04.001' });
    expect(s[0]!.matchedKeywords).toContain('装修噪音');
    // 装修 lies inside 装修噪音: it does not count again on its own
    expect(s[0]!.matchedKeywords).not.toContain('装修');
    for (let i = 1; i < s.length; i++) expect(s[i - 1]!.score).toBeGreaterThanOrEqual(s[i]!.score);
  });

  it('prefers the longer keyword covering a shorter one (不给交社保 over 交社保)', () => {
    const s = suggestItems(catalog, '公司不给交社保');
    expect(s[0]!.itemCode).toBe('C02.005');
    expect(s.find((x) => x.itemCode === 'C19.004')).toBeUndefined();
  });

  it('falls back on keyword fragments, which requireKeyword can switch off', () => {
    // "欠了…工资" is not a keyword; 工资 is a keyword of 拖欠工资 and also a fragment of others
    const s = suggestItems(catalog, '厂里欠了我们三个月的钱，老板不见了');
    expect(s[0]).toMatchObject({ itemCode: 'C02.001' });
    expect(s[0]!.matchedKeywords).toEqual([]);
    expect(s[0]!.matchedFragments.map((f) => f.fragment)).toContain('老板');
    expect(suggestItems(catalog, '厂里欠了我们三个月的钱，老板不见了', { requireKeyword: true })).toEqual([]);
  });

  it('ignores width and case, honours limit and minScore, and returns nothing for unrelated text', () => {
    expect(top('政务ＡＰＰ登录不了')).toBe('C18.003');
    expect(suggestItems(catalog, '停水停电', { limit: 1 })).toHaveLength(1);
    expect(suggestItems(catalog, '停水', { minScore: 1e6 })).toEqual([]);
    expect(suggestItems(catalog, '你好，谢谢。')).toEqual([]);
    expect(suggestItems(catalog, '')).toEqual([]);
  });

  it('is deterministic', () => {
    const text = '小区门口有人摆摊，还有烧烤油烟';
    expect(suggestItems(catalog, text)).toEqual(suggestItems(catalog, text));
  });
});

describe('detectDistrict', () => {
  it('finds a full district name', () => {
    expect(detectDistrict(catalog, '示例市南山区粤海街道科技园南区')).toMatchObject({ districtCode: 'nanshan', matched: '南山区', via: 'name' });
    expect(detectDistrict(catalog, '大鹏新区葵涌街道')).toMatchObject({ districtCode: 'dapeng', via: 'name' });
    expect(detectDistrict(catalog, '深汕特别合作区鹅埠镇')).toMatchObject({ districtCode: 'shenshan', via: 'name' });
  });

  it('finds a short name', () => {
    expect(detectDistrict(catalog, '家住南山，后海那边')).toMatchObject({ districtCode: 'nanshan', matched: '南山', via: 'short_name' });
    expect(detectDistrict(catalog, '深汕合作区')).toMatchObject({ districtCode: 'shenshan', via: 'short_name' });
  });

  it('finds a street or landmark when no district is named', () => {
    expect(detectDistrict(catalog, '西乡街道固戍一路')).toMatchObject({ districtCode: 'baoan', matched: '西乡', via: 'place' });
    expect(detectDistrict(catalog, '华强北步行街')).toMatchObject({ districtCode: 'futian', via: 'place' });
    expect(detectDistrict(catalog, '坂田华为基地旁边')).toMatchObject({ districtCode: 'longgang' });
  });

  it('lets the longer mention win over the one inside it', () => {
    // 桃源居 (宝安) contains 桃源 … and 国际会展中心 (宝安) contains 会展中心 (福田)
    expect(detectDistrict(catalog, '桃源居小区')).toMatchObject({ districtCode: 'baoan', matched: '桃源居' });
    expect(detectDistrict(catalog, '国际会展中心北门')).toMatchObject({ districtCode: 'baoan' });
    expect(detectDistrict(catalog, '会展中心地铁站')).toMatchObject({ districtCode: 'futian' });
    // 沙头角 (盐田) is not 沙头 (福田)
    expect(detectDistrict(catalog, '沙头角中英街')).toMatchObject({ districtCode: 'yantian' });
  });

  it('lets the full name outrank a place of another district', () => {
    expect(detectDistrict(catalog, '宝安区西乡，靠近南山的地方')).toMatchObject({ districtCode: 'baoan', via: 'name' });
  });

  it('returns null when nothing is found or the strongest mentions disagree', () => {
    expect(detectDistrict(catalog, '幸福里小区3栋')).toBeNull();
    expect(detectDistrict(catalog, '')).toBeNull();
    expect(detectDistrict(catalog, '福田区和罗湖区交界的红岭路')).toBeNull();
    expect(findDistrictMentions(catalog, '福田区和罗湖区交界的红岭路').map((m) => m.districtCode)).toEqual(['futian', 'luohu']);
  });
});
