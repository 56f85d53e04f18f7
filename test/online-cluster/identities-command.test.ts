import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/runtime/settings.js';
import { identitiesCommand } from '../../src/cli/commands/identities.js';
import { fixture } from '../support/fixtures.js';

interface Output {
  assignments: { file: string; face: number; identity: number | null }[];
  identities: number;
}

afterEach(() => vi.restoreAllMocks());

describe('mien identities', () => {
  it('groups the mugshots of two people into two identities and leaves a lone picture as noise', async () => {
    const meds = fixture('faces/meds');
    const files = readdirSync(meds)
      .filter((f) => /^S00[128]-/.test(f))
      .map((f) => join(meds, f));
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((text: string) => printed.push(text));
    expect(await identitiesCommand.run(files, DEFAULT_SETTINGS)).toBe(0);
    const { assignments, identities } = JSON.parse(printed.join('\n')) as Output;
    expect(assignments.map((a) => a.file)).toEqual(files);
    const identitiesOf = (subject: string) => new Set(assignments.filter((a) => a.file.includes(`/${subject}-`) && a.identity !== null).map((a) => a.identity));
    const [s001, s008] = [identitiesOf('S001'), identitiesOf('S008')];
    expect(s001.size).toBe(1);
    expect(s008.size).toBe(1);
    expect(s001).not.toEqual(s008);
    expect(identitiesOf('S002').size).toBe(0);
    expect(identities).toBe(2);
  });

  it('finds the six GRID speakers, each video one person, taking the videos frame by frame', async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((text: string) => printed.push(text));
    expect(await identitiesCommand.run([fixture('video/grid')], DEFAULT_SETTINGS)).toBe(0);
    const { assignments, identities } = JSON.parse(printed.join('\n')) as Output;
    expect(identities).toBe(6);
    const videos = [...new Set(assignments.map((a) => a.file))];
    expect(videos).toHaveLength(6);
    const identityOf = videos.map((video) => {
      const ids = assignments.filter((a) => a.file === video && a.identity !== null).map((a) => a.identity);
      // Every identified face of a video is the same person.
      expect(new Set(ids).size).toBe(1);
      return ids[0];
    });
    expect(new Set(identityOf).size).toBe(6);
  });

  it('asks for a PATH', async () => {
    await expect(identitiesCommand.run([], DEFAULT_SETTINGS)).rejects.toMatchObject({ exitCode: 2 });
  });
});
