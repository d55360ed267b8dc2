// Browser-side hardening of every response (@fastify/helmet): a Content-Security-Policy that lets the desktop and
// the citizen page load only their own files and talk only to this server and the SIP WebSocket, no framing by
// other sites (clickjacking of an agent's seat), no MIME sniffing, no referrer leaking order URLs.
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** The origin (scheme, host, port) of the SIP WebSocket the softphones connect to, for connect-src. */
export function sipSocketOrigin(wsUrl: string): string | null {
  try {
    const u = new URL(wsUrl);
    return u.protocol === 'ws:' || u.protocol === 'wss:' ? `${u.protocol}//${u.host}` : null;
  } catch {
    return null;
  }
}

export function contentSecurityPolicy(sipWsUrl: string): Record<string, string[]> {
  const sip = sipSocketOrigin(sipWsUrl);
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    // the component library (antd) writes its styles at run time
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    // recordings are played from a blob fetched with the agent's token
    'media-src': ["'self'", 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...(sip ? [sip] : [])],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

export async function registerSecurityHeaders(app: FastifyInstance, o: { sipWsUrl: string }): Promise<void> {
  await app.register(helmet, {
    // not helmet's defaults: they add upgrade-insecure-requests, which would break seats on plain HTTP
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(o.sipWsUrl) },
    // HSTS belongs to the HTTPS listener; on plain HTTP browsers ignore it, and a wrong one locks seats out
    strictTransportSecurity: false,
    // the softphone's media and the SIP WebSocket are cross-origin (Asterisk's port): no COEP
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });
}
