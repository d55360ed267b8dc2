// 音频设备: which microphone and which speaker/headset the softphone uses (remembered in this browser).
// The output choice needs HTMLMediaElement.setSinkId (Chromium, Edge, recent Firefox/Safari).
import { SettingOutlined } from '@ant-design/icons';
import { Alert, App, Button, Flex, Popover, Select, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useT } from '../i18n/i18n';
import { useServices, useSoftphone } from '../services';
import { saveAudioDevice } from '../session/preferences';

interface DeviceOption {
  value: string;
  label: string;
}

const DEFAULT = '';

export function AudioDevices() {
  const t = useT();
  const { message } = App.useApp();
  const { phone } = useServices();
  const { devices } = useSoftphone();
  const [open, setOpen] = useState(false);
  const [inputs, setInputs] = useState<DeviceOption[]>([]);
  const [outputs, setOutputs] = useState<DeviceOption[]>([]);

  const refresh = useCallback(async () => {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    const list = await navigator.mediaDevices.enumerateDevices();
    const named = (kind: MediaDeviceKind) =>
      list
        .filter((d) => d.kind === kind && d.deviceId && d.deviceId !== 'default' && d.deviceId !== 'communications')
        .map((d, i) => ({ value: d.deviceId, label: d.label || t('devices.unnamed', { n: i + 1 }) }));
    setInputs(named('audioinput'));
    setOutputs(named('audiooutput'));
  }, [t]);

  useEffect(() => {
    if (!open) return;
    // A failed enumeration only leaves the previous lists in place; log it rather than reject unseen.
    const onDeviceChange = () => {
      refresh().catch((err: unknown) => console.warn('[audio-devices] enumerateDevices failed', err));
    };
    onDeviceChange();
    const md = navigator.mediaDevices;
    md?.addEventListener('devicechange', onDeviceChange);
    return () => md?.removeEventListener('devicechange', onDeviceChange);
  }, [open, refresh]);

  const chooseInput = async (value: string) => {
    const id = value === DEFAULT ? null : value;
    try {
      await phone.setInputDevice(id);
      saveAudioDevice('input', id);
    } catch {
      void message.error(t('devices.inputFailed'));
    }
  };
  const chooseOutput = async (value: string) => {
    const id = value === DEFAULT ? null : value;
    try {
      await phone.setOutputDevice(id);
      saveAudioDevice('output', id);
    } catch {
      void message.error(t('devices.outputFailed'));
    }
  };

  const canOutput = phone.canChooseOutput();
  const content = (
    <Flex vertical gap={8} style={{ width: 280 }} data-testid="audio-devices">
      <label htmlFor="audio-input">
        <Typography.Text>{t('devices.microphone')}</Typography.Text>
      </label>
      <Select
        id="audio-input"
        value={devices.inputId ?? DEFAULT}
        onChange={(v) => void chooseInput(v)}
        options={[{ value: DEFAULT, label: t('devices.default') }, ...inputs]}
        aria-label={t('devices.microphone')}
        data-testid="audio-input"
      />
      <label htmlFor="audio-output">
        <Typography.Text>{t('devices.speaker')}</Typography.Text>
      </label>
      <Select
        id="audio-output"
        value={devices.outputId ?? DEFAULT}
        onChange={(v) => void chooseOutput(v)}
        options={[{ value: DEFAULT, label: t('devices.default') }, ...outputs]}
        disabled={!canOutput}
        aria-label={t('devices.speaker')}
        data-testid="audio-output"
      />
      {!canOutput && <Alert type="info" showIcon message={t('devices.noOutputChoice')} />}
    </Flex>
  );

  return (
    <Popover content={content} title={t('devices.title')} trigger="click" open={open} onOpenChange={setOpen} placement="bottomRight">
      <Button size="small" type="text" icon={<SettingOutlined />} aria-label={t('devices.title')} aria-expanded={open} data-testid="btn-audio-devices" />
    </Popover>
  );
}
