// The public citizen phone page's settings. No login: the page is for citizens trying the hotline.
import type { FastifyInstance } from 'fastify';
import type { CitizenPhoneResponse } from '../contracts/api.js';

export const CITIZEN_SIP_USER = 'citizen-web';

export function registerCitizenPhoneRoute(
  app: FastifyInstance,
  d: { enabled: boolean; wsUrl: string; domain: string; password: string; serviceNumber: string },
): void {
  app.get('/api/citizen-phone', async (_req, reply) => {
    const body: CitizenPhoneResponse = d.enabled
      ? { enabled: true, wsUrl: d.wsUrl, domain: d.domain, username: CITIZEN_SIP_USER, password: d.password, serviceNumber: d.serviceNumber }
      : { enabled: false };
    return reply.header('cache-control', 'no-store').send(body);
  });
}
