// The public citizen phone page (/citizen): no login, no agent desktop code, one outgoing call to 12345.
import 'antd/dist/reset.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { CitizenPhoneResponse } from '../../../contracts/api.js';
import { MediaMonitor } from '../softphone/media-monitor';
import { CitizenPage } from './CitizenPage';
import { CitizenPhone } from './citizen-phone';

const remoteAudio = document.getElementById('remote-audio');
if (!(remoteAudio instanceof HTMLAudioElement)) throw new Error('citizen.html lacks <audio id="remote-audio">');
const container = document.getElementById('root');
if (!container) throw new Error('citizen.html lacks #root');

const phone = new CitizenPhone(remoteAudio);
const monitor = new MediaMonitor(phone);

// Facts for tests and for a curious visitor's console: call state and what the earpiece receives.
const hook = {
  registration: phone.state.registration,
  call: phone.state.call,
  endReason: phone.state.endReason,
  statusCode: phone.state.statusCode,
  rxRms: 0,
  rxPackets: 0,
  txPackets: 0,
};
(window as unknown as { citizenPhone: typeof hook }).citizenPhone = hook;
phone.on('change', (s) => Object.assign(hook, { registration: s.registration, call: s.call, endReason: s.endReason, statusCode: s.statusCode }));
setInterval(() => {
  void monitor.sample().then((m) => Object.assign(hook, { rxRms: m.rxRms, rxPackets: m.rxPackets, txPackets: m.txPackets }));
}, 250);
document.addEventListener('pointerdown', () => monitor.resume(), { capture: true });

const response = await fetch('/api/citizen-phone')
  .then((r) => r.json() as Promise<CitizenPhoneResponse>)
  .catch(() => null);
if (response?.enabled) void phone.start(response);

createRoot(container).render(
  <StrictMode>
    <CitizenPage phone={phone} monitor={monitor} settings={response} />
  </StrictMode>,
);
