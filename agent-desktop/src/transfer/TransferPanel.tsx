// 转接 panel: one-click warm transfer to 110 / 120 / 119 (the caller hears music while the agent consults),
// the consult's state, complete / cancel / three-way / leave, and blind transfer to the directory. The place and
// summary typed here go with the linkage sheet to the emergency centre. The phase follows the server's
// `transfer:state` pushes; a slow poll catches what is not pushed (the linkage sheet's status) and covers a
// dropped socket.
import { Alert, App, Button, Card, Input, Select, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { TransferAction, TransferDirectoryView, TransferView } from '../../../contracts/transfer.js';
import { ApiError } from '../api/http';
import { useT } from '../i18n/i18n';
import type { MessageKey } from '../i18n/zh-CN';
import { useCallSpeech } from '../transcript/speech-store';
import { fetchDirectory, fetchTransfer, startTransfer, transferAction } from './transfer-api';
import { newerTransfer } from './transfer-view';

interface Props {
  token: string;
  /** The connected call, or null. */
  callId: string | null;
  /** The agent's call is established (buttons are enabled only then). */
  live: boolean;
  /** The last `transfer:state` push of the seat's socket, and whether that socket is up. */
  pushed: TransferView | null;
  pushLive: boolean;
  onExpired: () => void;
}

// While a transfer runs its phase changes on the server (the centre answers, hangs up): pushed, and polled as well,
// often while the socket is down, rarely while it is up.
const POLL_MS = 1000;
const POLL_PUSHED_MS = 5000;

export function TransferPanel({ token, callId, live, pushed, pushLive, onExpired }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [directory, setDirectory] = useState<TransferDirectoryView | null>(null);
  const [transfer, setTransferView] = useState<TransferView | null>(null);
  const setTransfer = useCallback((view: TransferView) => setTransferView((current) => newerTransfer(current, view)), []);
  const [busy, setBusy] = useState(false);
  const [place, setPlace] = useState('');
  const [summary, setSummary] = useState('');
  const [entry, setEntry] = useState<string | undefined>(undefined);
  // an emergency word heard on this call (speech/): 110/120/119 stand out
  const { emergency } = useCallSpeech(callId);

  const fail = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) return onExpired();
      void message.error(err instanceof ApiError && err.body ? err.body.error.message : t('transfer.failed'));
    },
    [message, onExpired, t],
  );

  useEffect(() => {
    fetchDirectory(token).then(setDirectory, () => setDirectory({ centres: [], directory: [] }));
  }, [token]);

  // a new call starts with a clean panel
  useEffect(() => {
    setTransferView(null);
    setPlace('');
    setSummary('');
  }, [callId]);

  useEffect(() => {
    if (pushed && pushed.callId === callId) setTransfer(pushed);
  }, [pushed, callId, setTransfer]);

  const active = transfer !== null && transfer.callId === callId && transfer.phase !== 'ended' && !transfer.agentReleased;
  useEffect(() => {
    if (!active || !callId) return;
    const timer = setInterval(
      () => {
        // a failed poll is retried by the next one
        fetchTransfer(token, callId).then(setTransfer, () => {});
      },
      pushLive ? POLL_PUSHED_MS : POLL_MS,
    );
    return () => clearInterval(timer);
  }, [active, callId, token, pushLive, setTransfer]);

  const run = async (fn: () => Promise<TransferView>) => {
    setBusy(true);
    try {
      setTransfer(await fn());
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const sheet = { ...(place.trim() ? { place: place.trim() } : {}), ...(summary.trim() ? { summary: summary.trim() } : {}) };
  const toCentre = (centre: string) => callId && run(() => startTransfer(token, callId, { to: { centre }, kind: 'warm', sheet }));
  const blind = () => callId && entry && run(() => startTransfer(token, callId, { to: { entryId: entry }, kind: 'blind' }));
  const act = (action: TransferAction) => callId && run(() => transferAction(token, callId, action));

  const canStart = live && callId !== null && !active && !busy;
  const phase = transfer?.callId === callId ? transfer.phase : null;
  const phaseKey = phase ? (`transfer.phase.${phase}` as MessageKey) : null;

  return (
    <Card
      size="small"
      title={t('panel.transfer')}
      data-testid="panel-transfer"
      data-emergency={emergency ? 'true' : 'false'}
      style={{ marginBottom: 8, ...(emergency ? { borderColor: '#ff4d4f', boxShadow: '0 0 0 2px rgba(255,77,79,0.35)' } : {}) }}
    >
      <Space direction="vertical" style={{ width: '100%' }} size={6}>
        {emergency && (
          <Alert type="error" showIcon message={t('transfer.emergencyHint', { keyword: emergency.keyword })} data-testid="transfer-emergency-hint" />
        )}
        <Space wrap>
          {(directory?.centres ?? []).map((c) => (
            <Button
              key={c.number}
              danger
              type={emergency ? 'primary' : 'default'}
              disabled={!canStart}
              data-testid={`btn-transfer-${c.number}`}
              onClick={() => void toCentre(c.number)}
            >
              {t('transfer.to', { number: c.number })}
            </Button>
          ))}
        </Space>
        <Input
          size="small"
          aria-label={t('transfer.place')}
          placeholder={t('transfer.place')}
          value={place}
          maxLength={200}
          onChange={(e) => setPlace(e.target.value)}
          data-testid="transfer-place"
        />
        <Input.TextArea
          size="small"
          aria-label={t('transfer.summary')}
          placeholder={t('transfer.summary')}
          value={summary}
          maxLength={500}
          autoSize={{ minRows: 1, maxRows: 3 }}
          onChange={(e) => setSummary(e.target.value)}
          data-testid="transfer-summary"
        />
        {transfer && transfer.callId === callId && phaseKey && (
          <div data-testid="transfer-state" data-phase={transfer.phase} data-outcome={transfer.outcome ?? ''}>
            <Space wrap>
              <Typography.Text strong>{transfer.target.name}</Typography.Text>
              <Tag color={transfer.phase === 'ended' ? 'default' : 'processing'}>{t(phaseKey)}</Tag>
              {transfer.outcome && <Tag>{t(`transfer.outcome.${transfer.outcome}` as MessageKey)}</Tag>}
              {transfer.linkage && (
                <Tag color="orange" data-testid="transfer-linkage">
                  {t('transfer.linkageSent')}
                </Tag>
              )}
            </Space>
          </div>
        )}
        {active && (
          <Space wrap>
            {phase === 'consulting' && (
              <>
                <Button type="primary" disabled={busy} data-testid="btn-transfer-complete" onClick={() => void act('complete')}>
                  {t('transfer.complete')}
                </Button>
                <Button disabled={busy} data-testid="btn-transfer-three-way" onClick={() => void act('three-way')}>
                  {t('transfer.threeWay')}
                </Button>
              </>
            )}
            {(phase === 'dialing' || phase === 'consulting') && transfer?.kind === 'warm' && (
              <Button disabled={busy} data-testid="btn-transfer-cancel" onClick={() => void act('cancel')}>
                {t('transfer.cancel')}
              </Button>
            )}
            {phase === 'three_way' && (
              <Button disabled={busy} data-testid="btn-transfer-leave" onClick={() => void act('leave')}>
                {t('transfer.leave')}
              </Button>
            )}
          </Space>
        )}
        {(directory?.directory.length ?? 0) > 0 && (
          <Space.Compact style={{ width: '100%' }}>
            <Select
              size="small"
              style={{ flex: 1 }}
              aria-label={t('transfer.directory')}
              placeholder={t('transfer.directory')}
              value={entry}
              onChange={setEntry}
              options={directory!.directory.map((e) => ({ value: e.id, label: `${e.name} ${e.number}` }))}
              data-testid="transfer-directory"
            />
            <Button size="small" disabled={!canStart || !entry} data-testid="btn-transfer-blind" onClick={() => void blind()}>
              {t('transfer.blind')}
            </Button>
          </Space.Compact>
        )}
        {!live && <Alert type="info" showIcon message={t('transfer.needCall')} />}
      </Space>
    </Card>
  );
}
