// Real Chromium (Debian's /usr/bin/chromium, driven by playwright-core) as the agent's softphone.
// The microphone is a WAV file (Chromium loops it), so tests can recognise the agent's audio elsewhere.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface LaunchOptions {
  /** 16-bit PCM WAV played as the fake microphone (e.g. TestMedia.agentToneWav). */
  fakeMicWav: string;
  /** Run with a window (debugging on a desktop). Default false. */
  headed?: boolean;
  /** Additional Chromium switches. */
  extraArgs?: string[];
}

/** Chromium switches for a headless WebRTC agent on loopback (recipe G10). */
export function chromiumArgs(fakeMicWav: string): string[] {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${fakeMicWav}`,
    '--autoplay-policy=no-user-gesture-required',
    '--allow-loopback-in-peer-connection',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
    // NB: never --user-data-dir here: Playwright gives every launch() a fresh temporary profile (G10)
  ];
}

export async function launchChromium(opts: LaunchOptions): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} not found — install it with: apt-get install chromium`);
  if (!existsSync(opts.fakeMicWav)) throw new Error(`fake microphone file ${opts.fakeMicWav} does not exist`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: !opts.headed,
    args: [...chromiumArgs(opts.fakeMicWav), ...(opts.extraArgs ?? [])],
  });
}

/** The subset of a pino logger the page forwarding needs. */
export interface PageLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface AgentPageOptions {
  /** Receives the page's console errors/warnings and uncaught exceptions. */
  log?: PageLogger;
  /** Also forward console.log/info lines (noisy). Default false. */
  forwardAllConsole?: boolean;
  /** Name carried on every forwarded line (e.g. "agent 1001"). */
  label?: string;
  /** If set, navigate to this path (resolved against baseUrl) before returning. */
  path?: string;
}

/**
 * A fresh context whose origin (from `baseUrl`) may use the microphone, with the page's console errors/warnings,
 * uncaught exceptions and crashes forwarded to `opts.log`. Close it with `page.context().close()`.
 * `baseUrl` must be http://127.0.0.1… or https (getUserMedia needs a secure context).
 */
export async function newAgentPage(browser: Browser, baseUrl: string, opts: AgentPageOptions = {}): Promise<Page> {
  const origin = new URL(baseUrl).origin;
  const context = await browser.newContext();
  await context.grantPermissions(['microphone'], { origin });
  const page = await context.newPage();
  const label = opts.label ?? 'agent page';
  page.on('console', (m) => {
    const type = m.type();
    const loc = m.location();
    const fields = { page: label, console: type, url: loc.url ? `${loc.url}:${loc.lineNumber}` : undefined };
    // the page broke the server's Content-Security-Policy: a bug of the page or the policy, whichever test it is in
    if (/Content Security Policy/.test(m.text())) process.nextTick(() => failOnCspViolation(label, m.text()));
    if (type === 'error') opts.log?.error(fields, m.text());
    else if (type === 'warning') opts.log?.warn(fields, m.text());
    else if (opts.forwardAllConsole) opts.log?.info(fields, m.text());
  });
  page.on('pageerror', (e) => {
    opts.log?.error({ page: label, err: { message: e.message, stack: e.stack } }, `uncaught exception in page: ${e.message}`);
  });
  page.on('crash', () => opts.log?.error({ page: label }, 'page crashed'));
  if (opts.path !== undefined) await page.goto(new URL(opts.path, baseUrl).toString());
  return page;
}

/** Thrown outside Playwright's event dispatch, so the test run reports it as an error and fails. */
function failOnCspViolation(label: string, text: string): never {
  throw new Error(`${label}: Content-Security-Policy violated: ${text}`);
}
