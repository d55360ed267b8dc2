// GET /api/reports (figures of one day/week/month) and GET /api/reports/export (CSV or Excel of the same), for
// the dispatch desk, supervisors and admins (permissions report.read / report.export). Query validated with
// contracts/reports.ts; errors through the app's one handler.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ReportExportQuery, ReportQuery, type ReportResponse } from '../../contracts/reports.js';
import type { Database } from '../../platform/db/database.js';
import { userOf } from '../../platform/http/auth-guard.js';
import { parseBody } from '../../platform/http/errors.js';
import type { CrmAuth } from '../http/auth.js';
import { registerCrmErrorMappings } from '../http/errors.js';
import type { CatalogStore } from '../work-orders/service.js';
import { localDateKey } from '../work-orders/working-calendar.js';
import { reportCsv, reportFileName, reportXlsx } from './export.js';
import { computeReport } from './figures.js';
import { periodRange } from './periods.js';

export interface ReportRouteDeps {
  db: Database;
  log: Logger;
  catalog: CatalogStore;
  auth: CrmAuth;
  now: () => number;
  /** See ReportOptions.signLimitMs. */
  signLimitMs?: number;
}

export async function registerReportRoutes(app: FastifyInstance, deps: ReportRouteDeps): Promise<void> {
  const build = async (q: ReportQuery): Promise<ReportResponse> => {
    const asOf = deps.now();
    const range = periodRange(q.period, q.date ?? localDateKey(asOf));
    const { catalog } = await deps.catalog.snapshot();
    return computeReport(deps.db, range, asOf, {
      classNames: new Map(catalog.classes.map((c) => [c.code, c.name])),
      ...(deps.signLimitMs !== undefined ? { signLimitMs: deps.signLimitMs } : {}),
    });
  };

  const guard = deps.auth;
  registerCrmErrorMappings();

  app.get('/api/reports', { preHandler: guard.require('report.read') }, async (req) => build(parseBody(ReportQuery, req.query)));

  app.get('/api/reports/export', { preHandler: guard.require('report.export') }, async (req, reply) => {
    const u = userOf(req);
    const q = parseBody(ReportExportQuery, req.query);
    const report = await build(q);
    deps.log.info({ userId: u.id, period: report.period, firstDate: report.firstDate, format: q.format }, 'report exported');
    if (q.format === 'xlsx') {
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${reportFileName(report, 'xlsx')}"`)
        .send(reportXlsx(report));
    }
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${reportFileName(report, 'csv')}"`)
      .send(reportCsv(report));
  });
}
