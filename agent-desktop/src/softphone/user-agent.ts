// The sip.js UserAgent as the desktop configures it against Asterisk's SIP-over-WebSocket.
import { UserAgent, type UserAgentDelegate } from 'sip.js';
import type { SoftphoneConfig } from './softphone-types';

/** Null when extension and domain do not make a SIP address. */
export function createUserAgent(config: SoftphoneConfig, delegate: UserAgentDelegate): UserAgent | null {
  const uri = UserAgent.makeURI(`sip:${config.extension}@${config.domain}`);
  if (!uri) return null;
  return new UserAgent({
    uri,
    transportOptions: { server: config.wsUrl, traceSip: false, connectionTimeout: 5 },
    authorizationUsername: config.extension,
    authorizationPassword: config.password,
    userAgentString: 'hotline-12345-desktop',
    logLevel: 'warn',
    sessionDescriptionHandlerFactoryOptions: {
      iceGatheringTimeout: 500,
      peerConnectionConfiguration: { iceServers: [] },
    },
    delegate,
  });
}
