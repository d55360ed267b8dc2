import 'antd/dist/reset.css';
import { unstableSetRender } from 'antd';
import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { App } from './App';
import { QualityProbe } from './quality/quality-probe';
import { loadAudioDevice, loadAutoAnswer } from './session/preferences';
import { MediaMonitor } from './softphone/media-monitor';
import { Softphone } from './softphone/softphone';

// antd 5 renders message/notification/wave through ReactDOM.render, which React 19 removed.
unstableSetRender((node, container) => {
  const host = container as (Element | DocumentFragment) & { __hotlineRoot?: Root };
  host.__hotlineRoot ??= createRoot(container);
  const root = host.__hotlineRoot;
  root.render(node);
  return async () => {
    await Promise.resolve();
    root.unmount();
    delete host.__hotlineRoot;
  };
});

const remoteAudio = document.getElementById('remote-audio');
if (!(remoteAudio instanceof HTMLAudioElement)) throw new Error('index.html lacks <audio id="remote-audio">');

const phone = new Softphone(remoteAudio);
phone.setAutoAnswer(loadAutoAnswer());
// The devices chosen last time; a device that is gone falls back to the browser's default.
void phone.setInputDevice(loadAudioDevice('input')).catch(() => {});
const output = loadAudioDevice('output');
if (output && phone.canChooseOutput()) void phone.setOutputDevice(output).catch(() => {});
const monitor = new MediaMonitor(phone);
const probe = new QualityProbe(phone, monitor);
probe.start();

// Without a user gesture browsers keep audio output suspended (an auto-answered call has none);
// the agent's next click anywhere unlocks it.
document.addEventListener(
  'pointerdown',
  () => {
    monitor.resume();
    if (remoteAudio.srcObject && remoteAudio.paused) remoteAudio.play().catch(() => {});
  },
  { capture: true },
);

const container = document.getElementById('root');
if (!container) throw new Error('index.html lacks #root');
createRoot(container).render(
  <StrictMode>
    <App services={{ phone, probe }} />
  </StrictMode>,
);
