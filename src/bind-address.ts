/**
 * Where the HTTP server listens. HOST, when set, always wins. Without it the server listens on
 * every interface, except while the database holds the demo data: its passwords and log key are
 * published in the README, so a demo must not be reachable from the network by accident.
 */
export interface BindAddress {
  host: string;
  /** `configured`: HOST was set; `demo`: loopback only because of the demo data; `default`: every interface. */
  reason: 'configured' | 'demo' | 'default';
}

export const LOOPBACK = '127.0.0.1';
export const EVERY_INTERFACE = '0.0.0.0';

export function chooseBindAddress(host: string | undefined, holdsDemo: boolean): BindAddress {
  if (host !== undefined) return { host, reason: 'configured' };
  return holdsDemo ? { host: LOOPBACK, reason: 'demo' } : { host: EVERY_INTERFACE, reason: 'default' };
}
