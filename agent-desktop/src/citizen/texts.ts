// The citizen page's words. Simplified Chinese by default; English for visitors (?lang=en or the switch).
export type CitizenLang = 'zh-CN' | 'en';

const zh = {
  title: '12345 市民网页电话',
  subtitle: '用浏览器拨打 12345 政务服务便民热线（体验）',
  number: '拨打号码',
  myPhone: '您的手机号（选填，便于回访）',
  myPhoneHint: '填写后座席可看到您以往的工单',
  call: '呼叫',
  hangUp: '挂断',
  keypad: '拨号键盘',
  registering: '正在连接热线…',
  registered: '已就绪，可以拨打',
  regError: '无法连接热线，请稍后刷新页面',
  unregistered: '未连接',
  calling: '正在呼叫…',
  ringing: '振铃中…',
  established: '通话中',
  ended_local: '您已挂断',
  ended_remote: '通话已结束',
  ended_busy: '线路繁忙，请稍后再拨',
  ended_not_allowed: '本页面只能拨打 12345',
  ended_failed: '呼叫失败，请检查麦克风权限和网络',
  heard: '听筒音量',
  sent: '已按键',
  disabled: '本热线未开放网页电话',
  lang: 'English',
  micDenied: '浏览器未允许使用麦克风，无法通话',
} as const;

export type CitizenTextKey = keyof typeof zh;

const en: Record<CitizenTextKey, string> = {
  title: '12345 citizen web phone',
  subtitle: 'Call the 12345 government service hotline from your browser (demo)',
  number: 'Number',
  myPhone: 'Your mobile number (optional, for call-backs)',
  myPhoneHint: 'The agent then sees your earlier requests',
  call: 'Call',
  hangUp: 'Hang up',
  keypad: 'Keypad',
  registering: 'Connecting to the hotline…',
  registered: 'Ready to call',
  regError: 'Cannot reach the hotline; reload the page later',
  unregistered: 'Not connected',
  calling: 'Calling…',
  ringing: 'Ringing…',
  established: 'In call',
  ended_local: 'You hung up',
  ended_remote: 'Call ended',
  ended_busy: 'All lines are busy, please call again later',
  ended_not_allowed: 'This page can only call 12345',
  ended_failed: 'The call failed; check microphone permission and network',
  heard: 'Earpiece level',
  sent: 'Keys sent',
  disabled: 'This hotline does not offer the web phone',
  lang: '中文',
  micDenied: 'The browser did not allow the microphone; calls are not possible',
};

export const CITIZEN_TEXTS: Record<CitizenLang, Record<CitizenTextKey, string>> = { 'zh-CN': zh, en };
