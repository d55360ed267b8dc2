// The softphone's public shapes, apart from the adapter so components can import them without sip.js.
import type { PhoneState, ReconnectInfo } from './softphone-machine';

export interface SoftphoneConfig {
  /** SIP-over-WebSocket URL, e.g. ws://127.0.0.1:8088/ws */
  wsUrl: string;
  domain: string;
  extension: string;
  /** The agent's login password, which is also their SIP password. */
  password: string;
}

/** The audio devices the agent picked; null = the browser's default. */
export interface AudioDevices {
  inputId: string | null;
  outputId: string | null;
}

export interface SoftphoneSnapshot extends PhoneState {
  autoAnswer: boolean;
  devices: AudioDevices;
}

export interface MediaHandles {
  peerConnection: RTCPeerConnection;
  remoteStream: MediaStream;
}

export interface SoftphoneEvents {
  change: SoftphoneSnapshot;
  reconnecting: ReconnectInfo;
  reconnected: { attempts: number };
  /** The live call's media, or null when it is gone. */
  media: MediaHandles | null;
}
