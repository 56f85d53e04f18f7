// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import type { TokenSubmitEvent } from '../src/elements/mien-connection-banner.js';
import '../src/elements/mien-connection-banner.js';
import '../src/elements/mien-connection-status.js';
import { mount, settle, shadow, textOf } from './mount.js';

describe('mien-connection-status', () => {
  it('names the state, and the events dropped for this page', async () => {
    const status = await mount('mien-connection-status', { state: 'live' });
    expect(textOf(shadow(status))).toBe('Live');
    status.state = 'token-refused';
    status.dropped = 12;
    await settle(status);
    expect(textOf(shadow(status))).toBe('Token refused 12 dropped');
    expect(shadow(status).querySelector('[role="status"]')?.classList.contains('token-refused')).toBe(true);
  });
});

describe('mien-connection-banner', () => {
  it('shows nothing while all is well', async () => {
    const banner = await mount('mien-connection-banner', { state: 'live' });
    expect(textOf(shadow(banner))).toBe('');
  });

  it('says the server does not answer', async () => {
    const banner = await mount('mien-connection-banner', { state: 'down', server: '10.0.0.5:8080' });
    expect(textOf(shadow(banner).querySelector('[role="alert"]')!)).toMatch(/^Mien's server at 10.0.0.5:8080 does not answer\./);
  });

  it('asks for the token, and says when the one given was refused', async () => {
    const banner = await mount('mien-connection-banner', { state: 'token-needed' });
    const submitted = vi.fn<(event: TokenSubmitEvent) => void>();
    document.body.addEventListener('token-submit', submitted);
    expect(textOf(shadow(banner))).toContain('This server needs its access token.');
    const input = shadow(banner).querySelector('input')!;
    expect(input.type).toBe('password');
    input.value = '  secret-token-0123456789 ';
    shadow(banner).querySelector('form')!.requestSubmit();
    expect(submitted.mock.calls.map(([e]) => e.token)).toEqual(['secret-token-0123456789']);
    banner.state = 'token-refused';
    await settle(banner);
    expect(textOf(shadow(banner))).toContain('The server refused this token.');
  });
});
