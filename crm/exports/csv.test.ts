import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CSV_BOM, CsvParseError, formatCsv, parseCsv } from './csv.js';

const HOSTILE = ['=HYPERLINK("http://x")', '+1', '-1+1', '@SUM(A1)', '\t=1', '\r=1'];
const SAFE = ['1-2', 'a=b', '市住房公积金管理中心'];

/** The cells as any CSV reader (Excel, WPS) sees them, without our import's unquoting. */
const rawCells = (text: string) => parse(text, { bom: true, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'] });

describe('formatCsv / parseCsv', () => {
  it('writes hostile text with a leading quote, safe text and numbers as they are', () => {
    const text = formatCsv([[...HOSTILE, ...SAFE, -1, 2.5, null]]);
    expect(text.startsWith(CSV_BOM)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(rawCells(text)).toEqual([[...HOSTILE.map((v) => `'${v}`), ...SAFE, '-1', '2.5', '']]);
  });

  it('reads back exactly what it wrote, hostile text included', () => {
    const rows = [
      [...HOSTILE, ...SAFE],
      ["'=x", "''-1", "'plain", '', '两行\r\n文字', ' padded '],
    ];
    expect(parseCsv(formatCsv(rows))).toEqual(rows);
  });

  it('keeps a blank row as an empty line between sections', () => {
    expect(formatCsv([['a'], [], ['b']], { bom: false })).toBe('a\r\n\r\nb\r\n');
  });

  it('names the line where a faulty field starts, also after a CRLF inside a quoted field', () => {
    // csv-parse 7.0.3 counts the CRLF inside "x\r\ny" as two lines; the error must still say line 4
    expect(() => parseCsv('a,b\r\n"x\r\ny",c\r\n"open')).toThrow(new CsvParseError(4, 'unterminated quoted field'));
    expect(() => parseCsv(`${CSV_BOM}停水,b\r\n"x\r\ny",b"c"`)).toThrow(/^line 3: a quote inside an unquoted field/);
    expect(() => parseCsv('a\rb\r"q"z')).toThrow(/^line 3: unexpected character after a closing quote/);
  });
});
