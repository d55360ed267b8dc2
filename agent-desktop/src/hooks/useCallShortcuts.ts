// Headset agents keep a hand on the keyboard: F2 answers, F3 holds / resumes, F4 hangs up, anywhere on the page.
import { useEffect } from 'react';
import type { Softphone } from '../softphone/softphone';

export function useCallShortcuts(phone: Softphone): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.repeat || event.altKey || event.ctrlKey || event.metaKey) return;
      const state = phone.getSnapshot().call.state;
      if (event.key === 'F2' && state === 'ringing') {
        event.preventDefault();
        void phone.answer();
      } else if (event.key === 'F3' && state === 'established') {
        event.preventDefault();
        const { held, holdPending } = phone.getSnapshot().call;
        if (!holdPending) void phone.hold(!held);
      } else if (event.key === 'F4' && (state === 'ringing' || state === 'connecting' || state === 'established')) {
        event.preventDefault();
        void phone.hangup();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [phone]);
}
