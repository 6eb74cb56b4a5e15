import { describe, expect, it } from 'vitest';
import { withScheme } from '../../../shared/server-address';

describe('an address typed without a scheme', () => {
  it.each([
    ['plant.example', 'https://plant.example'],
    ['  plant.example:8443/plantdesk ', 'https://plant.example:8443/plantdesk'],
    ['localhost:8787', 'http://localhost:8787'],
    ['127.0.0.1:8787', 'http://127.0.0.1:8787'],
    ['[::1]:8787', 'http://[::1]:8787'],
    ['localhost.plant.example', 'https://localhost.plant.example'],
    ['https://plant.example', 'https://plant.example'],
    ['http://plant.example', 'http://plant.example'],
    ['', ''],
  ])('%s -> %s', (typed, completed) => {
    expect(withScheme(typed)).toBe(completed);
  });
});
