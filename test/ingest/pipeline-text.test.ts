import { describe, expect, it } from 'vitest';
import { quoted } from '../../src/ingest/launch-syntax.js';
import { outputChain } from '../../src/ingest/output-chain.js';
import { packRgbRows } from '../../src/ingest/packed-rgb.js';
import { redactedUrl, rtspSourceDescription } from '../../src/ingest/rtsp-source.js';
import { isTruncated } from '../../src/ingest/truncation.js';

describe('quoted', () => {
  it('keeps spaces, bangs and quotes inside one gst-launch value', () => {
    expect(quoted('/v/a "b" ! c\\d.mp4')).toBe('"/v/a \\"b\\" ! c\\\\d.mp4"');
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

describe('RTSP descriptions', () => {
  it('mask the password and refuse what is not an RTSP URL', () => {
    expect(redactedUrl('rtsp://admin:hunter2@cam.local:554/live')).toBe('rtsp://admin:***@cam.local:554/live');
    expect(() => rtspSourceDescription({ url: 'http://admin:hunter2@cam.local/' })).toThrow('got "http://admin:***@cam.local/"');
    expect(rtspSourceDescription({ url: 'rtsp://cam/1', transport: 'udp', latencyMs: 50 })).toContain('protocols=udp latency=50');
  });
});
