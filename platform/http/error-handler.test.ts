import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorMappings, installErrorHandler } from './error-handler.js';
import { ApiError, parseBody, refusalsAs } from './errors.js';

class NoSuchThing extends Error {}
class Throttled extends Error {
  constructor(readonly seconds: number) {
    super(`请${seconds}秒后再试`);
  }
}

function app() {
  const mappings = new ErrorMappings();
  mappings.register(NoSuchThing, (e) => new ApiError('not_found', e.message));
  mappings.register(Throttled, (e) => new ApiError('rate_limited', e.message, undefined, { retryAfterSeconds: e.seconds }));
  const a = Fastify({ logger: false });
  installErrorHandler(a, mappings);
  installErrorHandler(a, mappings); // a second install is a no-op, not fastify's "already set"
  const Body = z.object({ name: z.string({ error: '请填写名称' }), place: z.object({ district: z.string({ error: '请选择区' }) }) });
  a.post('/things', async (req) => parseBody(Body, req.body));
  a.get('/missing', async () => {
    throw new NoSuchThing('没有这个东西');
  });
  a.get('/throttled', async () => {
    throw new Throttled(7);
  });
  a.get('/illegal', async () => {
    throw new ApiError('illegal_transition', '不能这样做');
  });
  a.get('/crash', async () => {
    throw new Error('connection to 10.0.0.5:5432 refused');
  });
  a.get('/db-down', async () => {
    throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
  });
  a.get('/refused', async () => refusalsAs(() => Promise.reject(new NoSuchThing('异步拒绝')), [[NoSuchThing, 'conflict']]));
  return a;
}

describe('the one error handler', () => {
  it('answers a request the database could not take because it is unreachable 503 database_unavailable with retry-after', async () => {
    const res = await app().inject({ method: 'GET', url: '/db-down' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().error).toMatchObject({ code: 'database_unavailable', message: '数据库暂时无法访问，请稍后重试' });
  });

  it('answers bad input 400 with one field issue per problem, Chinese messages and dotted paths', async () => {
    const res = await app().inject({ method: 'POST', url: '/things', payload: { place: {} } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: 'validation_failed',
        message: '请填写名称；请选择区',
        fields: [
          { field: 'name', message: '请填写名称' },
          { field: 'place.district', message: '请选择区' },
        ],
      },
    });
  });

  it('answers a body that is not JSON 400, never 500', async () => {
    const res = await app().inject({ method: 'POST', url: '/things', payload: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({
      code: 'validation_failed',
      message: '请求内容不是有效的 JSON',
      fields: [{ field: '(body)', message: '请求内容不是有效的 JSON' }],
    });
  });

  it('maps registered domain errors, with retry-after for a rate limit', async () => {
    const a = app();
    const missing = await a.inject({ url: '/missing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'not_found', message: '没有这个东西' } });
    const throttled = await a.inject({ url: '/throttled' });
    expect(throttled.statusCode).toBe(429);
    expect(throttled.headers['retry-after']).toBe('7');
    expect(throttled.json()).toEqual({ error: { code: 'rate_limited', message: '请7秒后再试', retryAfterSeconds: 7 } });
    expect((await a.inject({ url: '/illegal' })).statusCode).toBe(422);
    const refused = await a.inject({ url: '/refused' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toBe('异步拒绝');
  });

  it('answers an unexpected failure 500 without its details', async () => {
    const res = await app().inject({ url: '/crash' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'internal', message: '服务器内部错误，请稍后重试' } });
  });
});
