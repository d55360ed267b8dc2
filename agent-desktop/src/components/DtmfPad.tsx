// 拨号盘: RFC 4733 digits on the live call (another agency's IVR, an extension). Keys as buttons, and the digits
// typed while the pad has focus; the digits sent in this call are shown for the agent to check.
import { Button, Typography } from 'antd';
import { useState, type KeyboardEvent } from 'react';
import { useT } from '../i18n/i18n';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;

export function dtmfTestId(key: string): string {
  return `dtmf-key-${key === '*' ? 'star' : key === '#' ? 'pound' : key}`;
}

interface Props {
  disabled: boolean;
  onDigit: (digit: string) => boolean;
}

export function DtmfPad({ disabled, onDigit }: Props) {
  const t = useT();
  const [sent, setSent] = useState('');

  const press = (key: string) => {
    if (disabled) return;
    if (onDigit(key)) setSent((s) => (s + key).slice(-24));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.ctrlKey || event.altKey || event.metaKey || !/^[0-9*#]$/.test(event.key)) return;
    event.preventDefault();
    press(event.key);
  };

  return (
    <div role="group" aria-label={t('dtmf.title')} data-testid="dtmf-pad" onKeyDown={onKeyDown} style={{ marginTop: 8 }}>
      <div
        style={{ minHeight: 22, fontFamily: 'monospace', letterSpacing: 2, textAlign: 'center' }}
        aria-live="polite"
        data-testid="dtmf-sent"
        data-digits={sent}
      >
        {sent ? sent : <Typography.Text type="secondary">{t('dtmf.hint')}</Typography.Text>}
      </div>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 1fr)', gap: 4 }}>
        {KEYS.map((key) => (
          <Button
            key={key}
            disabled={disabled}
            onClick={() => press(key)}
            data-testid={dtmfTestId(key)}
            aria-label={t('dtmf.key', { key: key === '*' ? '*' : key === '#' ? '#' : key })}
            style={{ fontFamily: 'monospace', fontSize: 16 }}
          >
            {key}
          </Button>
        ))}
      </div>
    </div>
  );
}
