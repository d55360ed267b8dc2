// A minimal Office Open XML workbook (ECMA-376 SpreadsheetML): one worksheet per table, inline strings, numbers,
// and one percent style. The smallest part set Excel, LibreOffice and WPS open without repair.
// Safe from formula injection by construction: a string is only ever an inline string (t="inlineStr"), which a
// spreadsheet shows as text and never evaluates, and no cell is written with a formula (<f>). A string that looks
// like a formula also gets the quote-prefix style, as Excel itself stores a typed '=…, so that editing the cell
// and pressing Enter keeps it text. No quote character is added: in XLSX it would be shown as part of the text.
import { startsLikeFormula } from '../exports/formula-safe.js';
import { zip } from './zip.js';

export type Cell = string | number | null | { percent: number | null };

export interface Sheet {
  /** ≤ 31 characters, no []:*?/\ */
  name: string;
  rows: readonly (readonly Cell[])[];
}

const esc = (s: string) =>
  s
    // eslint-disable-next-line no-control-regex -- strips the control characters XML 1.0 forbids in a cell
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

function columnName(i: number): string {
  let n = i + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

const PERCENT_STYLE = 1;
const QUOTE_PREFIX_STYLE = 2;

function cellXml(ref: string, c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'number') return Number.isFinite(c) ? `<c r="${ref}"><v>${c}</v></c>` : '';
  if (typeof c === 'string') {
    return `<c r="${ref}"${startsLikeFormula(c) ? ` s="${QUOTE_PREFIX_STYLE}"` : ''} t="inlineStr"><is><t xml:space="preserve">${esc(c)}</t></is></c>`;
  }
  return c.percent === null ? '' : `<c r="${ref}" s="${PERCENT_STYLE}"><v>${c.percent}</v></c>`;
}

function sheetXml(sheet: Sheet): string {
  const rows = sheet.rows.map((row, r) => `<row r="${r + 1}">${row.map((c, i) => cellXml(`${columnName(i)}${r + 1}`, c)).join('')}</row>`).join('');
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`
  );
}

const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

export function xlsx(sheets: readonly Sheet[]): Buffer {
  const head = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n`;
  const contentTypes =
    head +
    `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
    `<Default Extension="xml" ContentType="application/xml"/>` +
    `<Override PartName="/xl/workbook.xml" ContentType="${CT}.sheet.main+xml"/>` +
    `<Override PartName="/xl/styles.xml" ContentType="${CT}.styles+xml"/>` +
    sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="${CT}.worksheet+xml"/>`).join('') +
    `</Types>`;
  const rootRels =
    head +
    `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    `<Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
  const workbook =
    head +
    `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${NS_REL}"><sheets>` +
    sheets.map((s, i) => `<sheet name="${esc(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
    `</sheets></workbook>`;
  const workbookRels =
    head +
    `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${NS_REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('') +
    `<Relationship Id="rId${sheets.length + 1}" Type="${NS_REL}/styles" Target="styles.xml"/></Relationships>`;
  // cellXfs 0: general; 1 (PERCENT_STYLE): built-in number format 10 (0.00%); 2 (QUOTE_PREFIX_STYLE): text kept as text when edited
  const styles =
    head +
    `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
    `<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>` +
    `<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
    `<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
    `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
    `<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
    `<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
    `<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>` +
    `</styleSheet>`;
  return zip([
    { name: '[Content_Types].xml', data: contentTypes },
    { name: '_rels/.rels', data: rootRels },
    { name: 'xl/workbook.xml', data: workbook },
    { name: 'xl/_rels/workbook.xml.rels', data: workbookRels },
    { name: 'xl/styles.xml', data: styles },
    ...sheets.map((s, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data: sheetXml(s) })),
  ]);
}
