import { useEffect, useMemo, useRef } from 'react';
import { workOrderApi, type WorkOrderApi } from '../api/work-orders';

/** One API client per token; `onExpired` may change (it is rebuilt per language) without a new client. */
export function useWorkOrderApi(token: string, onExpired: () => void): WorkOrderApi {
  const expired = useRef(onExpired);
  useEffect(() => {
    expired.current = onExpired;
  });
  return useMemo(() => workOrderApi(token, () => expired.current()), [token]);
}
