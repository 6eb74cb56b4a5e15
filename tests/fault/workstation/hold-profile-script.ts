// A workstation engine in its own process that takes the profile and keeps it until killed.
import { createCore } from '../../../main/core/core';

const [profileDir] = process.argv.slice(2);
createCore({ profileDir: profileDir!, appVersion: 'lock-test', profileUser: 'cli' }, { kdf: { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 } });
console.log('holding');
setInterval(() => undefined, 60_000);
