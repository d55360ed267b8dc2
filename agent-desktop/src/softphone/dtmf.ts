// RFC 4733 key presses on a sip.js call, shared by the agent's softphone and the citizen phone page.
import type { Web } from 'sip.js';

const DTMF_DURATION_MS = 160;
const DTMF_GAP_MS = 70;
export const DTMF_DIGITS = /^[0-9*#]$/;

/**
 * Sends one digit. Digits pressed while earlier ones still play are queued behind them (insertDTMF alone would
 * replace the pending ones).
 */
export function sendDtmfDigit(sdh: Web.SessionDescriptionHandler, digit: string): boolean {
  if (!DTMF_DIGITS.test(digit)) return false;
  const dtmf = sdh.peerConnection?.getSenders().find((s) => s.dtmf)?.dtmf;
  if (!dtmf) return sdh.sendDtmf(digit, { duration: DTMF_DURATION_MS, interToneGap: DTMF_GAP_MS });
  if (!dtmf.canInsertDTMF) return false;
  try {
    dtmf.insertDTMF(dtmf.toneBuffer + digit, DTMF_DURATION_MS, DTMF_GAP_MS);
    return true;
  } catch (err) {
    console.warn('[dtmf] key press failed', err);
    return false;
  }
}
