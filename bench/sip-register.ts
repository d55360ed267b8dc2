// A minimal SIP registrar client for benchmarks: REGISTER with MD5 digest (qop=auth) over UDP, many seats from one
// socket. sipp cannot take per-line credentials inside its [authentication] keyword, so seats at scale use this.
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';

export interface Seat {
  aor: string;
  authUser: string;
  password: string;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** Registers every seat (at most `inFlight` at once); resolves with the status of each final answer. */
export async function registerSeats(
  target: { host: string; port: number },
  seats: readonly Seat[],
  opts: { localPort: number; inFlight?: number; timeoutMs?: number },
): Promise<{ ok: number; failed: number; ms: number }> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(opts.localPort, '127.0.0.1', () => r()));
  const pending = new Map<string, (msg: string) => void>();
  sock.on('message', (buf) => {
    const msg = buf.toString('utf8');
    const callId = /^Call-ID:\s*(.+)$/im.exec(msg)?.[1]?.trim();
    if (callId) pending.get(callId)?.(msg);
  });
  const send = (text: string) => new Promise<void>((r) => sock.send(text, target.port, target.host, () => r()));
  const uri = `sip:${target.host}:${target.port}`;

  const one = (seat: Seat) =>
    new Promise<boolean>((resolve) => {
      const callId = randomBytes(8).toString('hex');
      const tag = randomBytes(4).toString('hex');
      let cseq = 1;
      const request = (auth: string | null) =>
        [
          `REGISTER ${uri} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${opts.localPort};rport;branch=z9hG4bK${randomBytes(6).toString('hex')}`,
          `From: <sip:${seat.aor}@${target.host}>;tag=${tag}`,
          `To: <sip:${seat.aor}@${target.host}>`,
          `Call-ID: ${callId}`,
          `CSeq: ${cseq} REGISTER`,
          `Contact: <sip:${seat.aor}@127.0.0.1:${opts.localPort}>`,
          ...(auth ? [`Authorization: ${auth}`] : []),
          'Expires: 300',
          'Max-Forwards: 70',
          'User-Agent: hotline-bench-seats',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n');
      const timer = setTimeout(() => finish(false), opts.timeoutMs ?? 10_000);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        pending.delete(callId);
        resolve(ok);
      };
      pending.set(callId, (msg) => {
        const status = Number(/^SIP\/2\.0 (\d{3})/.exec(msg)?.[1] ?? 0);
        if (status < 200) return;
        if (status === 401 && cseq === 1) {
          const h = /^WWW-Authenticate:\s*Digest (.+)$/im.exec(msg)?.[1] ?? '';
          const p = (k: string) => new RegExp(`${k}="([^"]*)"`).exec(h)?.[1] ?? '';
          const realm = p('realm');
          const nonce = p('nonce');
          const cnonce = randomBytes(8).toString('hex');
          const nc = '00000001';
          const ha1 = md5(`${seat.authUser}:${realm}:${seat.password}`);
          const ha2 = md5(`REGISTER:${uri}`);
          const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
          cseq = 2;
          const auth = `Digest username="${seat.authUser}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}", opaque="${p('opaque')}"`;
          void send(request(auth));
          return;
        }
        finish(status === 200);
      });
      void send(request(null));
    });

  const t0 = Date.now();
  let next = 0;
  let ok = 0;
  let failed = 0;
  const worker = async () => {
    while (next < seats.length) {
      const seat = seats[next++]!;
      if (await one(seat)) ok++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: opts.inFlight ?? 20 }, worker));
  sock.close();
  return { ok, failed, ms: Date.now() - t0 };
}
