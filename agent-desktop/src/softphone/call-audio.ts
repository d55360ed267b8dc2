// The call's audio on the sip.js session description handler: which tracks play, which microphone sends, which
// device the caller is heard on. Kept apart from the phone's signalling so the adapter stays about SIP.
import type { Web } from 'sip.js';

/** `ideal` when answering (a device unplugged since it was chosen must not stop the answer), `exact` when switching. */
export function audioConstraintsFor(deviceId: string | null, exact = false): MediaTrackConstraints | boolean {
  if (!deviceId) return true;
  return { deviceId: exact ? { exact: deviceId } : { ideal: deviceId } };
}

/** Held: neither side is heard here; muted: the agent's microphone is off. */
export function applyTracks(sdh: Web.SessionDescriptionHandler | undefined, held: boolean, muted: boolean): void {
  if (!sdh) return;
  sdh.enableReceiverTracks(!held);
  sdh.enableSenderTracks(!held && !muted);
}

/**
 * Swaps the live call's microphone (the sender's track is replaced; no re-INVITE). Resolves false when there is no
 * live media to switch; throws when the device cannot be opened, leaving the previous one in place.
 */
export async function replaceInputTrack(
  sdh: Web.SessionDescriptionHandler | undefined,
  deviceId: string | null,
  call: { muted: boolean; held: boolean },
): Promise<boolean> {
  const pc = sdh?.peerConnection;
  const sender = pc?.getSenders().find((s) => s.track?.kind === 'audio' || s.track === null);
  if (!sdh || !pc || !sender) return false;
  const stream = await navigator.mediaDevices.getUserMedia({ audio: audioConstraintsFor(deviceId, true), video: false });
  const track = stream.getAudioTracks()[0];
  if (!track) throw new Error('no audio track');
  const old = sender.track;
  track.enabled = !call.muted && !call.held;
  await sender.replaceTrack(track);
  old?.stop();
  // Keep sip.js's local stream in step so its own enable/disable calls reach the new track.
  const local = sdh.localMediaStream;
  local.getAudioTracks().forEach((t) => local.removeTrack(t));
  local.addTrack(track);
  return true;
}

type SinkAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

/** True when this browser can route call audio to a chosen output device (HTMLMediaElement.setSinkId). */
export function canSetSink(audio: HTMLAudioElement): boolean {
  return typeof (audio as SinkAudio).setSinkId === 'function';
}

export async function setSink(audio: HTMLAudioElement, deviceId: string | null): Promise<void> {
  const sink = audio as SinkAudio;
  if (typeof sink.setSinkId !== 'function') throw new Error('setSinkId not supported');
  await sink.setSinkId(deviceId ?? '');
}
