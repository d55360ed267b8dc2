// A reload or closed tab drops the WebRTC call; make the browser ask first while one is up.
import { useEffect } from 'react';
import type { Softphone } from '../softphone/softphone';

export function useLeaveGuard(phone: Softphone): void {
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      const state = phone.getSnapshot().call.state;
      if (state === 'ringing' || state === 'connecting' || state === 'established') event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [phone]);
}
