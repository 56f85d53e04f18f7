import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SdpError, SourceSpecError } from '../../src/ingest/errors.js';
import { checkRtspUrl } from '../../src/ingest/rtsp-source.js';
import { sdpVideo } from '../../src/ingest/sdp-video.js';
import { parseSource } from '../../src/ingest/source-spec.js';

// Fuzzing the parsers of outside input in ingest: whatever the text, each returns what it promises
// or throws its own error with a sentence, never another exception.

const VALID_SDP = ['v=0', 'o=- 0 0 IN IP4 10.0.0.5', 's=-', 'c=IN IP4 10.0.0.5', 't=0 0', 'm=audio 5004 RTP/AVP 100', 'a=rtpmap:100 opus/48000/2', 'm=video 5006 RTP/AVP 101', 'a=rtpmap:101 H264/90000', 'a=fmtp:101 packetization-mode=1;profile-level-id=42e01f'];

/** A valid SDP with lines dropped, replaced, duplicated or given random text: near misses find more than noise. */
const mutatedSdp = fc
  .array(fc.tuple(fc.nat(VALID_SDP.length), fc.constantFrom('drop', 'replace', 'insert', 'append'), fc.string({ unit: 'binary', maxLength: 40 })), { maxLength: 4 })
  .chain((edits) =>
    fc.constantFrom('\r\n', '\n').map((eol) => {
      const lines = [...VALID_SDP];
      for (const [at, edit, text] of edits) {
        if (edit === 'drop') lines.splice(at, 1);
        else if (edit === 'replace') lines[at] = text;
        else if (edit === 'insert') lines.splice(at, 0, text);
        else lines[Math.min(at, lines.length - 1)] += text;
      }
      return lines.join(eol);
    }),
  );

const outcome = (run: () => unknown): { value?: unknown; error?: unknown } => {
  try {
    return { value: run() };
  } catch (error) {
    return { error };
  }
};

describe('parsers of outside input (ingest)', () => {
  it('sdpVideo reads a usable video stream or says what is wrong with an SdpError', () => {
    fc.assert(
      fc.property(fc.oneof(mutatedSdp, fc.string({ unit: 'binary', maxLength: 300 })), (sdp) => {
        const { value, error } = outcome(() => sdpVideo(sdp));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(SdpError);
          expect((error as Error).message).toMatch(/^the SDP/);
          return;
        }
        const video = value as ReturnType<typeof sdpVideo>;
        expect(Number.isInteger(video.port) && video.port > 0 && video.port < 65536).toBe(true);
        expect(Number.isInteger(video.payload) && video.payload >= 0 && video.payload < 128).toBe(true);
        expect(video.encodingName).toMatch(/^[A-Z0-9][A-Z0-9._-]*$/);
        expect(Number.isInteger(video.clockRate) && video.clockRate > 0).toBe(true);
        if (video.address !== undefined) expect(isIP(video.address)).not.toBe(0);
        for (const [key, text] of Object.entries(video.parameters)) {
          expect(key).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
          // eslint-disable-next-line no-control-regex -- control characters are what this looks for
          expect(text).not.toMatch(/[\0-\x1f\x7f]/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('checkRtspUrl lets through only rtsp(s) URLs with a host and no white space, and refuses the rest with a TypeError', () => {
    const urlish = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.tuple(fc.constantFrom('rtsp://', 'RTSPS://', 'rtsp:', 'rtsp:///', 'http://', ''), fc.string({ unit: 'binary', maxLength: 60 })).map(([scheme, rest]) => scheme + rest),
      fc.webUrl().map((url) => url.replace(/^https?/, 'rtsp')),
    );
    fc.assert(
      fc.property(urlish, (url) => {
        const { error } = outcome(() => checkRtspUrl(url));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(TypeError);
          expect((error as Error).message).toMatch(/^an RTSP source needs/);
          return;
        }
        const parsed = new URL(url);
        expect(parsed.protocol).toMatch(/^rtsps?:$/);
        expect(parsed.hostname).not.toBe('');
        expect(url).not.toMatch(/[\s\0]/);
      }),
      { numRuns: 2000 },
    );
  });

  it('parseSource reads any text as one source kind, or refuses it with a SourceSpecError', () => {
    const typed = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.tuple(fc.constantFrom('rtsp://', 'test:', 'still:', 'TEST:', ''), fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('', '.sdp', '.SDP', '.mp4')).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(typed, (text) => {
        const { value, error } = outcome(() => parseSource(text));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(SourceSpecError);
          expect((error as Error).message.length).toBeGreaterThan(text.length);
          return;
        }
        const spec = value as ReturnType<typeof parseSource>;
        // What the text said is kept whole, never cut or reinterpreted.
        if (spec.kind === 'rtsp') expect(spec.url).toBe(text);
        else if (spec.kind === 'still') expect(`still:${spec.path}`).toBe(text);
        else if (spec.kind === 'file') expect(spec.path).toBe(text);
        else expect(spec.kind === 'test' && text.startsWith('test:')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
