// Ask for the microphone once at sign-in rather than at the first answer: a permission prompt
// popping up while a citizen is ringing would stall the answer past the ACD's ring timeout.
import { useEffect, useState } from 'react';

export type MicrophoneStatus = 'pending' | 'granted' | 'denied';

export function useMicrophoneCheck(active: boolean): MicrophoneStatus {
  const [status, setStatus] = useState<MicrophoneStatus>('pending');
  useEffect(() => {
    if (!active) return;
    let cancelled = false;
    const settle = (next: MicrophoneStatus) => {
      if (!cancelled) setStatus(next);
    };
    // mediaDevices is undefined outside a secure context (plain http on a non-localhost host).
    if (!navigator.mediaDevices) {
      settle('denied');
      return;
    }
    navigator.mediaDevices
      .getUserMedia({ audio: true, video: false })
      .then((stream) => {
        stream.getTracks().forEach((track) => track.stop());
        settle('granted');
      })
      .catch(() => settle('denied'));
    return () => {
      cancelled = true;
    };
  }, [active]);
  return status;
}
