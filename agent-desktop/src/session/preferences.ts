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
