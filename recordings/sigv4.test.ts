// SigV4 against AWS's published examples: the S3 GET-object example of "Authenticating Requests: Using the
// Authorization Header (AWS Signature Version 4)" and the get-vanilla case of the aws-sig-v4-test-suite.
import { describe, expect, it } from 'vitest';
import { authorization, canonicalRequest, EMPTY_SHA256, uriEncode } from './sigv4.js';

describe('AWS Signature Version 4', () => {
  it('signs the S3 documentation example (GET /test.txt with Range) to the published signature', () => {
    const req = {
      method: 'GET',
      path: '/test.txt',
      headers: { Host: 'examplebucket.s3.amazonaws.com', Range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': '20130524T000000Z' },
      payloadHash: EMPTY_SHA256,
    };
    const r = authorization(
      req,
      { region: 'us-east-1', service: 's3', amzDate: '20130524T000000Z' },
      { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    );
    expect(canonicalRequest(req).text).toBe(
      'GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(r.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('signs the test suite get-vanilla request to the published signature', () => {
    const r = authorization(
      { method: 'GET', path: '/', headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' }, payloadHash: EMPTY_SHA256 },
      { region: 'us-east-1', service: 'service', amzDate: '20150830T123600Z' },
      { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    );
    expect(r.signature).toBe('5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  });

  it('encodes paths and queries the SigV4 way', () => {
    expect(uriEncode('2026/11/录音 a+b.wav', true)).toBe('2026/11/%E5%BD%95%E9%9F%B3%20a%2Bb.wav');
    expect(
      canonicalRequest({ method: 'GET', path: '/', query: { b: '2', a: 'x y' }, headers: { host: 'h' }, payloadHash: EMPTY_SHA256 }).text.split('\n')[2],
    ).toBe('a=x%20y&b=2');
  });
});
