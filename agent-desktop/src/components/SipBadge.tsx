import { Badge, Tooltip } from 'antd';
import { useT } from '../i18n/i18n';
import type { RegistrationState } from '../softphone/softphone';
import { useSoftphone } from '../services';

const BADGE_STATUS = {
  registered: 'success',
  registering: 'processing',
  unregistered: 'default',
  error: 'error',
} as const satisfies Record<RegistrationState, string>;

export function SipBadge() {
  const t = useT();
  const { registration, registrationError } = useSoftphone();
  const detail = registrationError?.statusCode ? `SIP ${registrationError.statusCode}` : undefined;
  return (
    <Tooltip title={detail}>
      <span data-testid="sip-status" data-state={registration} style={{ whiteSpace: 'nowrap' }}>
        <Badge status={BADGE_STATUS[registration]} text={`${t('sip.label')} ${t(`sip.${registration}`)}`} />
      </span>
    </Tooltip>
  );
}
