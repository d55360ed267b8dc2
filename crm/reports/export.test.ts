import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { ReportResponse } from '../../contracts/reports.js';
import { reportCsv, reportXlsx } from './export.js';
import { unzip } from './zip.js';

// the district of a work order is what the agent typed from the citizen's words; the report lists it as is
const HOSTILE = ['=HYPERLINK("http://x")', '+1', '-1+1', '@SUM(A1)', '\t=1', '\r=1'];

function report(): ReportResponse {
  const rate = 0.5;
  return {
    period: 'day',
    firstDate: '2026-10-15',
    lastDate: '2026-10-15',
    from: 0,
    to: 0,
    asOf: 0,
    calls: {
      arrived: 1,
      offered: 1,
      answered: 1,
      abandoned: 0,
      answeredWithin15s: 1,
      answerRate15s: 1,
      connectionRate: 1,
      abandonRate: 0,
      asaSeconds: 3,
      ahtSeconds: 60,
    },
    orders: {
      received: HOSTILE.length,
      answeredOnSpot: 0,
      dispatchedOrders: 0,
      firstDispatchSuccess: 0,
      firstDispatchSuccessRate: null,
      dispatchesDue: 0,
      signedOnTime: 0,
      onTimeSignRate: null,
      respondedOnTime: 0,
      closed: 0,
      closedOnTime: 0,
      onTimeClosureRate: null,
      closedWithin1Day: 0,
      closedWithin3Days: 0,
      closedWithin1DayRate: 0,
      closedWithin3DaysRate: 0,
      rated: 0,
      satisfied: 0,
      resolved: 0,
      satisfactionRate: null,
      reworkOrders: 0,
      reworks: 0,
      byType: [{ key: 'help', name: '求助', count: HOSTILE.length }],
      byClass: [{ key: 'C03', name: '住房公积金', count: HOSTILE.length }],
      byDistrict: HOSTILE.map((d) => ({ key: d, name: d, count: 1 })),
    },
    threeRates: { response: rate, resolution: rate, satisfaction: null },
    daily: [{ date: '2026-10-15', offered: 1, answered: 1, abandoned: 0, ordersReceived: HOSTILE.length }],
  };
}

describe('report export and formula injection', () => {
  it('CSV: a district that looks like a formula is written as quoted text, figures stay numbers', () => {
    const csv = reportCsv(report());
    expect(csv).toContain('区县,"\'=HYPERLINK(""http://x"")","\'=HYPERLINK(""http://x"")",1\r\n');
    expect(csv).toContain("区县,'+1,'+1,1\r\n");
    expect(csv).toContain("区县,'-1+1,'-1+1,1\r\n");
    expect(csv).toContain("区县,'@SUM(A1),'@SUM(A1),1\r\n");
    expect(csv).toContain('calls.asaSeconds,平均应答时长（秒）,3\r\n');
    expect(csv).toContain('threeRates.response,响应率,0.5000\r\n');
    // as a spreadsheet reads the file, no cell starts with a formula character
    const cells = parse(csv, { bom: true, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'] }).flat();
    expect(cells).toContain("'\t=1");
    for (const cell of cells) expect(cell, JSON.stringify(cell)).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('XLSX: the same districts are inline strings, no cell is a formula', () => {
    const files = unzip(reportXlsx(report()));
    const breakdown = files.get('xl/worksheets/sheet3.xml')!.toString('utf8');
    expect(breakdown).toContain('s="2" t="inlineStr"><is><t xml:space="preserve">=HYPERLINK(&quot;http://x&quot;)</t>');
    expect(breakdown).toContain('s="2" t="inlineStr"><is><t xml:space="preserve">-1+1</t>');
    for (const [name, data] of files) expect(data.toString('utf8'), name).not.toMatch(/<f[ >]/);
  });
});
