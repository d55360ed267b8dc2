// 实时转写 panel: what the speech side hears on the agent's call — keyword hits (the spotter runs on every caller
// when SPEECH_KEYWORD_SPOTTING is on; `speech:keyword`, `speech:status`, `alert:emergency`). No streaming recognizer
// is wired into calls yet (it needs an operator-supplied model), so there is no full transcript and the panel says
// so. An emergency word shows a 紧急 tag.
import { Alert, Card, Empty, Space, Tag, Typography } from 'antd';
import { useT } from '../i18n/i18n';
import { useCallSpeech } from './speech-store';

interface Props {
  /** The call the seat works on, or null. */
  callId: string | null;
}

function mmss(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Reads the speech store, which the seat's socket (realtime/useAgentSocket.ts) fills. */
export function TranscriptPanel({ callId }: Props) {
  const t = useT();
  const speech = useCallSpeech(callId);

  const { keywords, emergency, status } = speech;
  const title = (
    <Space size={6}>
      {t('panel.transcript')}
      {emergency && (
        <Tag color="red" data-testid="transcript-emergency" data-keyword={emergency.keyword}>
          {t('transcript.emergencyTag', { keyword: emergency.keyword })}
        </Tag>
      )}
    </Space>
  );
  return (
    <Card size="small" title={title} data-testid="panel-transcript" data-emergency={emergency ? 'true' : 'false'} style={{ marginBottom: 8 }}>
      {callId === null ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('transcript.noCall')} />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }} size={6}>
          {emergency && (
            <Alert type="error" showIcon message={t('transcript.emergency', { keyword: emergency.keyword })} data-testid="transcript-emergency-alert" />
          )}
          {status?.transcription !== true && (
            <Typography.Text type="secondary" data-testid="transcript-no-recognizer">
              {status ? t('transcript.noRecognizer') : t('transcript.notListening')}
            </Typography.Text>
          )}
          {keywords.length > 0 && (
            <Space wrap size={4} data-testid="transcript-keywords">
              {keywords.map((k) => (
                <Tag
                  key={`${k.at}-${k.keyword}-${k.speaker}`}
                  color={k.category === 'emergency' ? 'red' : 'blue'}
                  data-testid="transcript-keyword"
                  data-keyword={k.keyword}
                >
                  {mmss(k.atMs)} {t(k.speaker === 'caller' ? 'transcript.caller' : 'transcript.agent')}：{k.keyword}
                </Tag>
              ))}
            </Space>
          )}
        </Space>
      )}
    </Card>
  );
}
