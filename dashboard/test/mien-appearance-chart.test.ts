// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import '../src/elements/mien-appearance-chart.js';
import { mount, shadow, textOf } from './mount.js';

describe('mien-appearance-chart', () => {
  it('draws a bar per tag, largest first, with its share as text', async () => {
    const chart = await mount('mien-appearance-chart', { appearance: { frown: 0.05, smile: 0.5, blink: 0.004 } });
    const rows = [...shadow(chart).querySelectorAll('li')].map((li) => textOf(li));
    expect(rows).toEqual(['smile 50%', 'frown 5%', 'blink <1%']);
    const widths = [...shadow(chart).querySelectorAll<HTMLElement>('.bar span')].map((bar) => bar.style.width);
    expect(widths).toEqual(['50%', '5%', '0.4%']);
  });

  it('says so when no tag was seen', async () => {
    const chart = await mount('mien-appearance-chart', { appearance: {} });
    expect(textOf(shadow(chart))).toBe('No custom expression seen yet.');
  });
});
