// Recordings in S3-compatible object storage over plain HTTP(S) with SigV4 (sigv4.ts): path-style URLs
// (<endpoint>/<bucket>/<key>), which AWS, MinIO and Ceph RGW all accept. The body of a PUT is hashed and signed.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { amzDate, authorization, EMPTY_SHA256, sha256Hex, uriEncode } from './sigv4.js';
import { assertSafeKey, type ByteRange, type RecordingStorage } from './storage.js';

export interface S3Settings {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export class S3Error extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'S3Error';
  }
}

export class S3RecordingStorage implements RecordingStorage {
  readonly kind = 's3' as const;

  constructor(
    private readonly s: S3Settings,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly now: () => number = Date.now,
  ) {}

  private async request(method: string, key: string, opts: { body?: Buffer; range?: ByteRange } = {}): Promise<Response> {
    assertSafeKey(key);
    const url = new URL(this.s.endpoint);
    const path = `${url.pathname.replace(/\/$/, '')}/${uriEncode(this.s.bucket)}/${uriEncode(key, true)}`;
    const payloadHash = opts.body ? sha256Hex(opts.body) : EMPTY_SHA256;
    const date = amzDate(this.now());
    const headers: Record<string, string> = { host: url.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': date };
    if (opts.range) headers.range = `bytes=${opts.range.start}-${opts.range.end}`;
    const auth = authorization({ method, path, headers, payloadHash }, { region: this.s.region, service: 's3', amzDate: date }, this.s);
    const { host: _host, ...sent } = headers;
    return this.fetchImpl(`${url.protocol}//${url.host}${path}`, {
      method,
      headers: { ...sent, authorization: auth.authorization },
      ...(opts.body ? { body: new Uint8Array(opts.body) } : {}),
    });
  }

  async put(key: string, localFile: string): Promise<{ size: number; sha256: string }> {
    // recordings are a few MB: one signed PUT (a multipart upload would only pay off beyond ~100 MB)
    const body = await fs.promises.readFile(localFile);
    const res = await this.request('PUT', key, { body });
    if (!res.ok) throw new S3Error(res.status, `S3 PUT ${key} failed: ${res.status} ${await res.text().catch(() => '')}`);
    return { size: body.length, sha256: sha256Hex(body) };
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const res = await this.request('GET', key, range ? { range } : {});
    if (!res.ok || !res.body) throw new S3Error(res.status, `S3 GET ${key} failed: ${res.status}`);
    return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  }

  async size(key: string): Promise<number | null> {
    const res = await this.request('HEAD', key);
    if (res.status === 404) return null;
    if (!res.ok) throw new S3Error(res.status, `S3 HEAD ${key} failed: ${res.status}`);
    return Number(res.headers.get('content-length'));
  }

  async delete(key: string): Promise<void> {
    const res = await this.request('DELETE', key);
    if (!res.ok && res.status !== 404) throw new S3Error(res.status, `S3 DELETE ${key} failed: ${res.status}`);
  }
}
