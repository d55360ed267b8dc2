import { PhoneFilled, PhoneOutlined } from '@ant-design/icons';
import { Alert, Button, Card, ConfigProvider, Input, Progress, Space, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { CitizenPhoneResponse } from '../../../contracts/api.js';
import type { MediaMonitor } from '../softphone/media-monitor';
import type { CitizenPhone, CitizenPhoneSnapshot } from './citizen-phone';
import { CITIZEN_TEXTS, type CitizenLang, type CitizenTextKey } from './texts';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;
const keyId = (k: string) => (k === '*' ? 'star' : k === '#' ? 'pound' : k);

interface Props {
  phone: CitizenPhone;
  monitor: MediaMonitor;
  settings: CitizenPhoneResponse | null;
}

function statusKey(s: CitizenPhoneSnapshot): CitizenTextKey {
  if (s.call === 'ended') return `ended_${s.endReason ?? 'failed'}` as CitizenTextKey;
  if (s.call !== 'idle') return s.call;
  if (s.registration === 'error') return 'regError';
  return s.registration;
}

export function CitizenPage({ phone, monitor, settings }: Props) {
  const [lang, setLang] = useState<CitizenLang>(() => (new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'zh-CN'));
  const t = (k: CitizenTextKey) => CITIZEN_TEXTS[lang][k];
  const state = useSyncExternalStore(
    (fn) => phone.on('change', fn),
    () => phone.state,
  );
  const serviceNumber = settings?.enabled ? settings.serviceNumber : '12345';
  const [number, setNumber] = useState(serviceNumber);
  const [myPhone, setMyPhone] = useState('');
  const [level, setLevel] = useState(0);
  const inCall = state.call === 'calling' || state.call === 'ringing' || state.call === 'established';

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('title');
  });
  useEffect(() => {
    const timer = setInterval(() => void monitor.sample().then((m) => setLevel(m.active ? m.rxRms : 0)), 250);
    return () => clearInterval(timer);
  }, [monitor]);

  const press = (k: string) => {
    if (state.call === 'established') phone.sendDtmf(k);
    else if (!inCall) setNumber((n) => (n + k).slice(0, 20));
  };
  const call = () => {
    if (settings?.enabled) void phone.dial(number.trim(), settings, myPhone.trim());
  };

  const tone =
    state.call === 'ended' && state.endReason !== 'local' && state.endReason !== 'remote' ? 'error' : state.call === 'established' ? 'success' : 'info';
  return (
    <ConfigProvider locale={lang === 'en' ? enUS : zhCN} button={{ autoInsertSpace: false }}>
      <main style={{ maxWidth: 380, margin: '24px auto', padding: '0 12px' }}>
        <Card
          title={t('title')}
          extra={
            <Button type="link" size="small" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')} data-testid="citizen-lang">
              {t('lang')}
            </Button>
          }
        >
          <Typography.Paragraph type="secondary">{t('subtitle')}</Typography.Paragraph>
          {!settings?.enabled ? (
            <Alert type="warning" message={t('disabled')} data-testid="citizen-disabled" />
          ) : (
            <Space direction="vertical" style={{ width: '100%' }} size="middle">
              <Alert
                type={tone}
                showIcon
                message={t(statusKey(state))}
                data-testid="citizen-status"
                data-call={state.call}
                data-end-reason={state.endReason ?? ''}
                aria-live="polite"
              />
              <label>
                <Typography.Text>{t('number')}</Typography.Text>
                <Input
                  id="citizen-number"
                  size="large"
                  value={number}
                  inputMode="tel"
                  disabled={inCall}
                  onChange={(e) => setNumber(e.target.value.replace(/[^0-9*#]/g, ''))}
                  onPressEnter={call}
                />
              </label>
              <label>
                <Typography.Text>{t('myPhone')}</Typography.Text>
                <Input
                  id="citizen-my-phone"
                  value={myPhone}
                  inputMode="tel"
                  maxLength={12}
                  disabled={inCall}
                  placeholder="13800138000"
                  onChange={(e) => setMyPhone(e.target.value.replace(/\D/g, ''))}
                />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('myPhoneHint')}
                </Typography.Text>
              </label>
              <div role="group" aria-label={t('keypad')} style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 1fr)', gap: 8 }}>
                {KEYS.map((k) => (
                  <Button key={k} size="large" onClick={() => press(k)} data-testid={`citizen-key-${keyId(k)}`} aria-label={k}>
                    {k}
                  </Button>
                ))}
              </div>
              {inCall ? (
                <Button danger type="primary" block size="large" icon={<PhoneFilled />} onClick={() => phone.hangUp()} data-testid="citizen-hangup">
                  {t('hangUp')}
                </Button>
              ) : (
                <Button
                  type="primary"
                  block
                  size="large"
                  icon={<PhoneOutlined />}
                  disabled={state.registration !== 'registered' || number.trim() === ''}
                  onClick={call}
                  data-testid="citizen-call"
                >
                  {t('call')}
                </Button>
              )}
              {state.call === 'established' && (
                <div>
                  <Typography.Text type="secondary">{t('heard')}</Typography.Text>
                  <Progress percent={Math.min(100, Math.round(level * 400))} showInfo={false} size="small" data-testid="citizen-level" />
                  {state.digitsSent && (
                    <Typography.Text type="secondary" data-testid="citizen-digits" data-digits={state.digitsSent}>
                      {t('sent')}: {state.digitsSent}
                    </Typography.Text>
                  )}
                </div>
              )}
            </Space>
          )}
        </Card>
      </main>
    </ConfigProvider>
  );
}
