// GET /api/reports (figures of one day/week/month) and GET /api/reports/export (CSV or Excel of the same), for
// the dispatch desk, supervisors and admins. Query validated with contracts/reports.ts; errors as the CRM's.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ReportExportQuery, ReportQuery, type ReportResponse } from '../../contracts/reports.js';
import type { Database } from '../../platform/db/database.js';
import { authenticate, requireRole, type CrmAuth } from '../http/auth.js';
import { installCrmErrorHandler, invalid } from '../http/errors.js';
import type { CatalogStore } from '../work-orders/service.js';
import { localDateKey } from '../work-orders/working-calendar.js';
import { reportCsv, reportFileName, reportXlsx } from './export.js';
import { computeReport } from './figures.js';
import { periodRange } from './periods.js';

export const REPORT_ROLES = ['dispatcher', 'supervisor', 'admin'] as const;

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

  await app.register(async (scope) => {
    installCrmErrorHandler(scope, deps.log);

    scope.get('/api/reports', async (req) => {
      const u = await authenticate(deps.db, deps.auth, req.headers.authorization);
      requireRole(u, REPORT_ROLES, '查看统计报表');
      const q = ReportQuery.safeParse(req.query ?? {});
      if (!q.success) throw invalid(q.error);
      return build(q.data);
    });

    scope.get('/api/reports/export', async (req, reply) => {
      const u = await authenticate(deps.db, deps.auth, req.headers.authorization);
      requireRole(u, REPORT_ROLES, '导出统计报表');
      const q = ReportExportQuery.safeParse(req.query ?? {});
      if (!q.success) throw invalid(q.error);
      const report = await build(q.data);
      deps.log.info({ userId: u.id, period: report.period, firstDate: report.firstDate, format: q.data.format }, 'report exported');
      if (q.data.format === 'xlsx') {
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
  });
}
