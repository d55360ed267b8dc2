// How each supervision mode is put together in Asterisk, as data (pure): listen and whisper are a snoop on the
// agent's channel bridged with the supervisor's phone in a private bridge; barge puts the supervisor's phone
// into the call's own bridge (everyone hears everyone; the bridge is recorded, so it keeps mixing — recipe G1).
//   listen:  snoop spy=both (caller + agent), whisper=none: nobody hears the supervisor
//   whisper: snoop spy=both, whisper=out: what the supervisor says goes only to the agent's ear
import type { SnoopDirection } from '../telephony/call-control.js';
import type { SupervisionMode } from '../contracts/transfer.js';

export type ModePlan = { kind: 'snoop'; spy: SnoopDirection; whisper: SnoopDirection } | { kind: 'bridge' };

export function planFor(mode: SupervisionMode): ModePlan {
  switch (mode) {
    case 'listen':
      return { kind: 'snoop', spy: 'both', whisper: 'none' };
    case 'whisper':
      return { kind: 'snoop', spy: 'both', whisper: 'out' };
    case 'barge':
      return { kind: 'bridge' };
  }
}
