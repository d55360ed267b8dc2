// Minimal typings for the parts of asterisk-manager (AMI client, no bundled types) the hotline uses.
declare module 'asterisk-manager' {
  interface ManagerAction {
    action: string;
    [key: string]: string | undefined;
  }
  interface Manager {
    on(event: 'connect' | 'close' | 'end' | 'error' | 'managerevent', listener: (arg?: unknown) => void): void;
    action(action: ManagerAction, callback: (err: unknown, res: Record<string, unknown>) => void): void;
    keepConnected(): void;
    disconnect(): void;
    isConnected(): boolean;
  }
  function AsteriskManager(port: number, host: string, username: string, password: string, events: boolean): Manager;
  export default AsteriskManager;
}
