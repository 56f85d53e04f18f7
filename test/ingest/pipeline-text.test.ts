import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SdpError, SourceSpecError } from '../../src/ingest/errors.js';
import { fileSourcePlan } from '../../src/ingest/file-source.js';
import { outputChain } from '../../src/ingest/output-chain.js';
import { packRgbRows } from '../../src/ingest/packed-rgb.js';
import type { PipelinePlan } from '../../src/ingest/pipeline-plan.js';
import { rtpSourcePlan } from '../../src/ingest/rtp-source.js';
import { checkRtspUrl, redactedUrl, rtspSourcePlan } from '../../src/ingest/rtsp-source.js';
import { parseSource, stillPlan } from '../../src/ingest/source-spec.js';
import { testPatternPlan } from '../../src/ingest/test-pattern-source.js';
import { TEST_PATTERNS } from '../../src/ingest/test-patterns.js';
import { isTruncated } from '../../src/ingest/truncation.js';

/** Strings an attacker would try: pipeline syntax, quotes, newlines, properties, plus anything at all. */
const hostile = fc.oneof(
  fc.constantFrom(
    'ball ! fakesink filesrc location=/etc/hostname ! filesink location=copied.txt videotestsrc is-live=true',
    '" ! filesink location="copied.txt',
    "' ! filesink location='copied.txt",
    'x\n! filesink location=copied.txt',
    'a\\" location=/etc/passwd name="b',
    'mien_frames. ! filesink location=x',
  ),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

const valueOf = (plan: PipelinePlan, name: string): string | undefined => plan.properties.find((p) => p.name === name)?.value;

describe('pipeline plans', () => {
  it('never put a path into the pipeline text: the description is the same whatever the path', () => {
    const file = fileSourcePlan('/media/plain.mp4', { maxFps: 5 });
    const still = stillPlan('/media/plain.png', { maxFps: 5 });
    fc.assert(
      fc.property(hostile, (path) => {
        expect(fileSourcePlan(path, { maxFps: 5 }).description).toBe(file.description);
        expect(valueOf(fileSourcePlan(path), 'location')).toBe(path);
        expect(stillPlan(path, { maxFps: 5 }).description).toBe(still.description);
        expect(valueOf(stillPlan(path, {}), 'location')).toBe(path);
      }),
    );
  });

  it('never put an RTSP URL into the pipeline text, and refuse what is not a plain RTSP URL', () => {
    const plain = rtspSourcePlan({ url: 'rtsp://cam.local/live' });
    fc.assert(
      fc.property(hostile, (tail) => {
        const url = `rtsp://cam.local/${tail}`;
        let plan: PipelinePlan;
        try {
          plan = rtspSourcePlan({ url });
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
          return;
        }
        expect(plan.description).toBe(plain.description);
        expect(valueOf(plan, 'location')).toBe(url);
      }),
    );
    for (const url of ['rtsp://cam/x ! filesink location=copied.txt', 'rtsp://cam/x"!filesink location="c', 'rtsp://cam/x\n! fakesink', 'rtsp:///nohost', 'file:///etc/hostname']) {
      expect(() => checkRtspUrl(url), url).toThrow(TypeError);
    }
    expect(() => rtspSourcePlan({ url: 'rtsp://cam/1', transport: 'udp ! filesink' as 'udp' })).toThrow(/transport must be/);
  });

  it('never put SDP text into the pipeline text: hostile SDP fields are refused or end up as properties', () => {
    const sdp = (fmtp: string, address = '127.0.0.1') => `v=0\r\nc=IN IP4 ${address}\r\nm=video 5004 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 ${fmtp}\r\n`;
    const plain = rtpSourcePlan({ sdp: sdp('packetization-mode=1') });
    fc.assert(
      fc.property(hostile, (value) => {
        let plan: PipelinePlan;
        try {
          plan = rtpSourcePlan({ sdp: sdp(`packetization-mode=1;sprop-parameter-sets=${value}`) });
        } catch (error) {
          expect(error).toBeInstanceOf(SdpError);
          return;
        }
        expect(plan.description).toBe(plain.description);
      }),
    );
    expect(() => rtpSourcePlan({ sdp: sdp('a=1', '1.2.3.4"!filesink') })).toThrow(/not an IP address/);
    expect(() => rtpSourcePlan({ sdp: sdp('x" ! filesink location="y=1') })).toThrow(SdpError);
    expect(() => rtpSourcePlan({ sdp: sdp('a=1').replace('H264', 'H264" ! filesink') })).toThrow(/not a codec name/);
  });

  it('take test patterns from a closed set only', () => {
    for (const pattern of TEST_PATTERNS) expect(testPatternPlan({ pattern }).description).toContain(`pattern=${pattern} `);
    fc.assert(
      fc.property(hostile, (text) => {
        fc.pre(!(TEST_PATTERNS as readonly string[]).includes(text));
        expect(() => testPatternPlan({ pattern: text as 'ball' })).toThrow(/pattern must be one of/);
        // `test:` alone is the default pattern.
        if (text !== '') expect(() => parseSource(`test:${text}`)).toThrow(SourceSpecError);
      }),
    );
  });
});

describe('outputChain', () => {
  it("caps a file's rate and size before converting to RGB, and holds the decoder back while Node is busy", () => {
    expect(outputChain({ maxFps: 5, maxWidth: 640 }, 'all')).toBe(
      'videorate drop-only=true max-rate=5 ! videoscale ! videoconvert ! ' +
        'video/x-raw,format=RGB,width=[1,640],pixel-aspect-ratio=1/1 ! appsink name=mien_frames sync=false max-buffers=2 drop=false',
    );
  });

  it('keeps only the newest frame of a live source, leaving its rate to paced pulls (no videorate)', () => {
    expect(outputChain({ maxFps: 5 }, 'newest')).toBe(
      'videoscale ! videoconvert ! video/x-raw,format=RGB,pixel-aspect-ratio=1/1 ! appsink name=mien_frames sync=false max-buffers=1 drop=true',
    );
  });
});

describe('packRgbRows', () => {
  it('removes the padding GStreamer puts at the end of each RGB row', () => {
    // 3 pixels wide: 9 bytes of pixels per row, padded to 12.
    const padded = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 11, 12, 13, 14, 15, 16, 17, 18, 19, 0, 0, 0]);
    expect(Array.from(packRgbRows(padded, 3, 2))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('returns packed rows as they are, and refuses a size that fits neither layout', () => {
    const packed = new Uint8Array(4 * 2 * 3);
    expect(packRgbRows(packed, 4, 2)).toBe(packed);
    expect(() => packRgbRows(new Uint8Array(20), 3, 2)).toThrow(/3x2 has 20 bytes, expected 18 or 24/);
  });
});

describe('isTruncated', () => {
  it('allows a second, or a tenth of a long video, between the last frame and the declared end', () => {
    expect(isTruncated(0.92, 3)).toBe(true);
    expect(isTruncated(2.5, 3)).toBe(false);
    expect(isTruncated(550, 600)).toBe(false);
    expect(isTruncated(500, 600)).toBe(true);
    expect(isTruncated(1, -1)).toBe(false);
  });
});

describe('RTSP plans', () => {
  it('mask the password and refuse what is not an RTSP URL', () => {
    expect(redactedUrl('rtsp://admin:hunter2@cam.local:554/live')).toBe('rtsp://admin:***@cam.local:554/live');
    expect(() => rtspSourcePlan({ url: 'http://admin:hunter2@cam.local/' })).toThrow('got "http://admin:***@cam.local/"');
    expect(rtspSourcePlan({ url: 'rtsp://cam/1', transport: 'udp', latencyMs: 50 }).description).toContain('protocols=udp latency=50');
  });
});
