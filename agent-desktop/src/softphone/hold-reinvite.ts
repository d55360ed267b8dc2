// Hold / resume as a re-INVITE (sendonly towards Asterisk while held, so the caller gets Asterisk's music on hold).
import { RequestPendingError, type Invitation, type Web } from 'sip.js';

/** Asterisk and we may re-INVITE at the same time (491 Request Pending, RFC 3261 14.1): retry a few times. */
const HOLD_ATTEMPTS = 3;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type ReinviteOutcome = 'accepted' | 'glare' | 'rejected';

/** Sets what we ask for in re-INVITEs; Asterisk's own re-INVITEs are answered with it too (sip.js reuses it). */
export function setHoldOption(invitation: Invitation, hold: boolean): void {
  invitation.sessionDescriptionHandlerOptionsReInvite = {
    ...invitation.sessionDescriptionHandlerOptionsReInvite,
    hold,
  } as Web.SessionDescriptionHandlerOptions;
}

function reinvite(invitation: Invitation, hold: boolean): Promise<ReinviteOutcome> {
  setHoldOption(invitation, hold);
  return new Promise((resolve) => {
    invitation
      .invite({
        requestDelegate: {
          onAccept: () => resolve('accepted'),
          onReject: (response) => resolve(response.message.statusCode === 491 ? 'glare' : 'rejected'),
        },
      })
      .catch((err: unknown) => {
        // RequestPendingError: Asterisk's own re-INVITE is being answered right now.
        console.warn('[softphone] re-INVITE failed', err);
        resolve(err instanceof RequestPendingError ? 'glare' : 'rejected');
      });
  });
}

/**
 * Asks for hold (on) or resume (off), retrying on glare while `current()` says the call is still the phone's.
 * Resolves true once Asterisk accepted it.
 */
export async function requestHold(invitation: Invitation, on: boolean, current: () => boolean): Promise<boolean> {
  for (let attempt = 1; attempt <= HOLD_ATTEMPTS && current(); attempt++) {
    const outcome = await reinvite(invitation, on);
    if (outcome === 'accepted') return true;
    if (outcome !== 'glare') return false;
    await delay(200 + Math.random() * 400 * attempt);
  }
  return false;
}
