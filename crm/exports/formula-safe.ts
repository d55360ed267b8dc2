// Text cells that a spreadsheet would run as a formula (CSV injection, OWASP "CSV Injection"): Excel, WPS and
// LibreOffice evaluate a cell starting with = + - @ (and treat a leading tab or carriage return the same way), so
// a citizen's text such as =HYPERLINK("http://x") could act on the operator's machine. OWASP's remedy: prefix the
// text with a single quote, which the spreadsheet reads as "this is text". The full-width forms are in the set
// because csv-stringify's escape_formulas found Apple Numbers evaluating them, and they are common in Chinese text.
// Only text goes through here: a number cell holding -1 is a number, a text "-1+2" is not.

const FORMULA_START = '=+-@\t\r\uFF1D\uFF0B\uFF0D\uFF20';

/** True when a spreadsheet would read `text` as a formula. */
export function startsLikeFormula(text: string): boolean {
  return text !== '' && FORMULA_START.includes(text[0]!);
}

/**
 * The cell text to write: `text` with one leading quote when it would start a formula. Text that already starts
 * with quotes before such a character gets one more, so that unquoteFormulaText gives back every value exactly
 * (a catalog name may legitimately be "'=x").
 */
export function quoteFormulaText(text: string): string {
  return startsLikeFormula(text.replace(/^'+/, '')) ? `'${text}` : text;
}

/** The inverse of quoteFormulaText, for files we exported and read back: drops exactly the quote it added. */
export function unquoteFormulaText(cell: string): string {
  return cell.startsWith("'") && startsLikeFormula(cell.replace(/^'+/, '')) ? cell.slice(1) : cell;
}
