// Per-browser agent preferences (not secrets), kept across sessions in localStorage.
const AUTO_ANSWER_KEY = 'hotline.autoAnswer';

export function loadAutoAnswer(): boolean {
  try {
    return localStorage.getItem(AUTO_ANSWER_KEY) === '1';
  } catch {
    return false;
  }
}

export function saveAutoAnswer(on: boolean): void {
  try {
    localStorage.setItem(AUTO_ANSWER_KEY, on ? '1' : '0');
  } catch {
    // Storage disabled: the setting lasts for this page only.
  }
}

// Chosen microphone / speaker (deviceIds are per browser profile and origin, so they belong here).
const DEVICE_KEYS = { input: 'hotline.audioInput', output: 'hotline.audioOutput' } as const;

export function loadAudioDevice(kind: keyof typeof DEVICE_KEYS): string | null {
  try {
    return localStorage.getItem(DEVICE_KEYS[kind]) || null;
  } catch {
    return null;
  }
}

export function saveAudioDevice(kind: keyof typeof DEVICE_KEYS, deviceId: string | null): void {
  try {
    if (deviceId) localStorage.setItem(DEVICE_KEYS[kind], deviceId);
    else localStorage.removeItem(DEVICE_KEYS[kind]);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}
