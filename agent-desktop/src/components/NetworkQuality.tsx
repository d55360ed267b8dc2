import { Badge, Tooltip } from 'antd';
import { useT } from '../i18n/i18n';
import type { QualityLevel } from '../quality/quality-probe';
import { useQuality } from '../services';

const STATUS = { none: 'default', good: 'success', fair: 'warning', poor: 'error' } as const satisfies Record<QualityLevel, string>;

/** Call audio quality from getStats (loss over the last seconds, jitter); grey when no call. */
export function NetworkQuality() {
  const t = useT();
  const { level, lossPercent, jitterMs, rttMs } = useQuality();
  const detail =
    level === 'none'
      ? t('quality.none')
      : t('quality.detail', { loss: (lossPercent ?? 0).toFixed(1), jitter: jitterMs ?? 0 }) + (rttMs !== null ? ` · RTT ${rttMs} ms` : '');
  return (
    <Tooltip title={detail}>
      <span data-testid="network-quality" data-level={level} style={{ whiteSpace: 'nowrap' }}>
        <Badge status={STATUS[level]} text={`${t('quality.label')} ${t(`quality.${level}`)}`} />
      </span>
    </Tooltip>
  );
}
