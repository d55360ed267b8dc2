// The one CSV reader/writer of the CRM, over the maintained csv-parse / csv-stringify: UTF-8 with a BOM (so Excel
// and WPS show Chinese correctly) and CRLF line ends. Every text cell is written formula-safe (formula-safe.ts);
// the reader drops exactly the quote the writer added, so what we export reads back unchanged.
import { CsvError, parse, type CsvErrorCode } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { quoteFormulaText, unquoteFormulaText } from './formula-safe.js';

export const CSV_BOM = '\uFEFF';

/** A number is written as is (a negative number stays a number); text goes through the formula guard. */
export type CsvCell = string | number | null;

export class CsvParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvParseError';
  }
}

/**
 * RFC 4180 writer: fields are quoted when they hold a comma, a quote, a line break, or leading/trailing space (which
 * Excel would otherwise trim). An empty row is an empty line.
 */
export function formatCsv(rows: readonly (readonly CsvCell[])[], options: { bom?: boolean } = {}): string {
  const cells = rows.map((row) => row.map(cellText));
  // csv-stringify writes nothing for no rows; a text file still ends with its line break
  const body = cells.length === 0 ? '\r\n' : stringify(cells, { record_delimiter: '\r\n', quote_record_delimiter: true, quoted_match: /^\s|\s$/ });
  return `${options.bom === false ? '' : CSV_BOM}${body}`;
}

function cellText(c: CsvCell): string {
  if (c === null) return '';
  if (typeof c === 'number') return Number.isFinite(c) ? String(c) : '';
  return quoteFormulaText(c);
}

// our wording, which names what to fix; any other csv-parse error keeps its own message
const MESSAGES: Partial<Record<CsvErrorCode, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'unterminated quoted field',
  CSV_INVALID_CLOSING_QUOTE: 'unexpected character after a closing quote',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field (wrap the field in quotes and double the quote)',
};

/**
 * RFC 4180 reader: records end with CRLF, LF or a lone CR; quoted fields may hold commas, line breaks and doubled
 * quotes. A leading BOM is dropped, and so is the line break ending the last record; rows may differ in length.
 * Malformed quoting throws CsvParseError naming the line where the faulty field starts.
 */
export function parseCsv(text: string): string[][] {
  const src = text.startsWith(CSV_BOM) ? text.slice(1) : text;
  let rows: string[][];
  try {
    rows = parse(src, { relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'] });
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    throw new CsvParseError(lineAtByte(src, err.bytes), MESSAGES[err.code] ?? err.message);
  }
  return rows.map((row) => row.map(unquoteFormulaText));
}

/**
 * The line holding byte `offset` of the UTF-8 text. csv-parse's own `lines` counts a CRLF inside a quoted field
 * twice (7.0.3), so the line is counted here from its `bytes` (where the failing field starts).
 */
function lineAtByte(text: string, offset: unknown): number {
  const before = typeof offset === 'number' ? Buffer.from(text, 'utf8').subarray(0, offset).toString('utf8') : text;
  return (before.match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
}
