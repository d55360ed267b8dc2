// Client of GET /api/reports, /api/reports/export and /api/hotspots. Exports are fetched with the session token
// and handed to the browser as a download (a plain link could not carry the Authorization header).
import type { HotspotListResponse, ReportPeriod, ReportResponse } from '../../../contracts/reports.js';
import { ApiError, isApiErrorBody, requestJson } from '../api/http';

export interface ReportsApi {
  report(period: ReportPeriod, date: string): Promise<ReportResponse>;
  hotspots(): Promise<HotspotListResponse>;
  download(period: ReportPeriod, date: string, format: 'csv' | 'xlsx'): Promise<void>;
}

export function reportsApi(token: string, onExpired: () => void): ReportsApi {
  const guard = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) onExpired();
      throw err;
    }
  };
  return {
    report: (period, date) => guard(requestJson<ReportResponse>('GET', '/api/reports', { token, query: { period, date } })),
    hotspots: () => guard(requestJson<HotspotListResponse>('GET', '/api/hotspots', { token })),
    async download(period, date, format) {
      const res = await fetch(`/api/reports/export?${new URLSearchParams({ period, date, format })}`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) {
        if (res.status === 401) onExpired();
        const payload: unknown = await res.json().catch(() => null);
        throw new ApiError(res.status, isApiErrorBody(payload) ? payload : null);
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `report.${format}`;
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  };
}
