// Long-lived, non-React services (softphone, quality probe) handed to components through context.
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { QualityProbe, QualitySnapshot } from './quality/quality-probe';
import type { Softphone, SoftphoneSnapshot } from './softphone/softphone';

export interface Services {
  phone: Softphone;
  probe: QualityProbe;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside ServicesContext');
  return services;
}

export function useSoftphone(): SoftphoneSnapshot {
  const { phone } = useServices();
  return useSyncExternalStore((notify) => phone.on('change', notify), phone.getSnapshot);
}

export function useQuality(): QualitySnapshot {
  const { probe } = useServices();
  return useSyncExternalStore((notify) => probe.on('change', notify), probe.getSnapshot);
}
