/** Debian's Chromium, launched the way this machine's closed network needs (README "Testing"). */
export const chromiumExecutable = process.env.PLANTDESK_CHROMIUM ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
