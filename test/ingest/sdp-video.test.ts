import { describe, expect, it } from 'vitest';
import { rtpCaps } from '../../src/ingest/rtp-source.js';
import { sdpVideo } from '../../src/ingest/sdp-video.js';

// What a mediasoup PlainTransport consumer is commonly announced with (audio first, then video).
const MEDIASOUP_STYLE = [
  'v=0',
  'o=- 0 0 IN IP4 10.0.0.5',
  's=mediasoup',
  'c=IN IP4 10.0.0.5',
  't=0 0',
  'm=audio 5004 RTP/AVP 100',
  'a=rtpmap:100 opus/48000/2',
  'm=video 5006 RTP/AVP 101',
  'a=rtpmap:101 H264/90000',
  'a=fmtp:101 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
  'a=rtcp:5007',
].join('\r\n');

describe('sdpVideo', () => {
  it('reads the video stream: port, address, payload, codec, clock and fmtp parameters', () => {
    expect(sdpVideo(MEDIASOUP_STYLE)).toEqual({
      port: 5006,
      address: '10.0.0.5',
      payload: 101,
      encodingName: 'H264',
      clockRate: 90_000,
      parameters: { 'level-asymmetry-allowed': '1', 'packetization-mode': '1', 'profile-level-id': '42e01f' },
    });
  });

  it('knows static payload types and multicast addresses with a TTL', () => {
    const video = sdpVideo('v=0\nm=video 6000 RTP/AVP 26\nc=IN IP4 239.1.2.3/16\n');
    expect([video.encodingName, video.clockRate, video.address]).toEqual(['JPEG', 90_000, '239.1.2.3']);
  });
});

describe('rtpCaps', () => {
  it('carries the fmtp parameters as quoted strings, commas included', () => {
    const caps = rtpCaps({ port: 1, address: undefined, payload: 96, encodingName: 'H264', clockRate: 90_000, parameters: { 'sprop-parameter-sets': 'Z0IAH5Y1,aM48gA==' } });
    expect(caps).toBe('application/x-rtp,media=(string)video,payload=(int)96,clock-rate=(int)90000,encoding-name=(string)"H264",sprop-parameter-sets=(string)"Z0IAH5Y1,aM48gA=="');
  });
});
