import { describe, expect, it } from 'vitest';
import { xlsx } from './xlsx.js';
import { unzip } from './zip.js';

const HOSTILE = ['=HYPERLINK("http://x")', '+1', '-1+1', '@SUM(A1)', '\t=1', '\r=1'];
const SAFE = ['1-2', 'a=b', '市住房公积金管理中心'];
const xmlText = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function workbook(rows: (string | number)[][]) {
  const files = unzip(xlsx([{ name: '测试', rows }]));
  return { sheet: files.get('xl/worksheets/sheet1.xml')!.toString('utf8'), styles: files.get('xl/styles.xml')!.toString('utf8'), files };
}

describe('xlsx and formula injection', () => {
  it('writes text that looks like a formula as an inline string with the quote-prefix style, never as a formula', () => {
    const { sheet, styles, files } = workbook([HOSTILE]);
    HOSTILE.forEach((v, i) => {
      const ref = `${String.fromCharCode(65 + i)}1`;
      expect(sheet).toContain(`<c r="${ref}" s="2" t="inlineStr"><is><t xml:space="preserve">${xmlText(v)}</t></is></c>`);
    });
    for (const [name, data] of files) expect(data.toString('utf8'), name).not.toMatch(/<f[ >]/);
    // the third cell format (index 2) is the quote prefix, as Excel stores a typed '=…
    expect(styles).toMatch(/<cellXfs count="3">(<xf [^>]*\/>){2}<xf [^>]*quotePrefix="1"\/><\/cellXfs>/);
  });

  it('leaves other text plain and numbers numeric, a negative number too', () => {
    const { sheet } = workbook([[...SAFE, -1, 2.5]]);
    SAFE.forEach((v, i) => expect(sheet).toContain(`<c r="${String.fromCharCode(65 + i)}1" t="inlineStr"><is><t xml:space="preserve">${v}</t>`));
    expect(sheet).toContain('<c r="D1"><v>-1</v></c><c r="E1"><v>2.5</v></c>');
    expect(sheet).not.toContain("'");
  });
});
