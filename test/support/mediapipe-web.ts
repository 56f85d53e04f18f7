/**
 * MediaPipe's own web runtime (@mediapipe/tasks-vision, FaceLandmarker) in Debian's Chromium, as a
 * reference to test Mien's TFLite-to-ONNX conversion and MediaPipe pipeline port against.
 *
 * Everything the page needs (the tasks-vision bundle, its SIMD wasm, the .task model, the pixels)
 * comes from a node:http server on 127.0.0.1: the machine has no internet, and no CDN is asked.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RgbImage } from '../../src/image/rgb-image.js';

/** A picture as Mien decodes it: packed RGB, so the reference sees exactly Mien's pixels. */
export type Picture = RgbImage;

export interface WebLandmark {
  /** Normalised to the picture's width, as MediaPipe returns it. */
  readonly x: number;
  /** Normalised to the picture's height. */
  readonly y: number;
  /** Depth in the units of x (the model's z scaled by the crop's width); smaller is nearer the camera. */
  readonly z: number;
}

export interface WebBlendshape {
  readonly categoryName: string;
  readonly score: number;
}

/** MediaPipe's MatrixData as the web runtime hands it over: packed_data in column-major order. */
export interface WebMatrix {
  readonly rows: number;
  readonly columns: number;
  readonly data: readonly number[];
}

export interface WebFace {
  /** 478: the 468 face-mesh points, then the 10 iris points. */
  readonly landmarks: readonly WebLandmark[];
  /** 52, in the model's order, `_neutral` first. */
  readonly blendshapes: readonly WebBlendshape[];
  /** The 4x4 facial transformation matrix (canonical face model to camera space, centimetres). */
  readonly transformationMatrix: WebMatrix;
}

export interface WebLandmarkerResult {
  readonly faces: readonly WebFace[];
}

/** The FaceLandmarkerOptions this harness sets; any left out keep MediaPipe's default. */
export interface WebLandmarkerOptions {
  /** 4 here; MediaPipe's default is 1. */
  readonly numFaces?: number;
  /** MediaPipe's default 0.5. */
  readonly minFaceDetectionConfidence?: number;
  /** MediaPipe's default 0.5. */
  readonly minFacePresenceConfidence?: number;
  /** MediaPipe's default 0.5 (only used in VIDEO/LIVE_STREAM mode). */
  readonly minTrackingConfidence?: number;
  /** CPU here. GPU also runs headless (on SwiftShader's WebGL), but slower and with slightly different numbers. */
  readonly delegate?: 'CPU' | 'GPU';
}

export const DEFAULT_WEB_OPTIONS = {
  numFaces: 4,
  minFaceDetectionConfidence: 0.5,
  minFacePresenceConfidence: 0.5,
  minTrackingConfidence: 0.5,
  delegate: 'CPU',
} as const satisfies Required<WebLandmarkerOptions>;

export const LANDMARK_COUNT = 478;
export const BLENDSHAPE_COUNT = 52;

const require = createRequire(import.meta.url);
const TASKS_VISION_DIR = dirname(require.resolve('@mediapipe/tasks-vision'));

/** The installed @mediapipe/tasks-vision version (its package.json is not in its exports map). */
export async function tasksVisionVersion(): Promise<string> {
  const manifest: unknown = JSON.parse(await readFile(join(TASKS_VISION_DIR, 'package.json'), 'utf8'));
  const version = (manifest as { version?: unknown }).version;
  if (typeof version !== 'string') throw new Error('@mediapipe/tasks-vision: no version in its package.json');
  return version;
}

/** The only files the server hands out, by URL path; the SIMD build, which Chromium supports. */
const PACKAGE_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/tasks-vision/vision_bundle.mjs': { file: 'vision_bundle.mjs', type: 'text/javascript' },
  '/tasks-vision/wasm/vision_wasm_internal.js': { file: 'wasm/vision_wasm_internal.js', type: 'text/javascript' },
  '/tasks-vision/wasm/vision_wasm_internal.wasm': { file: 'wasm/vision_wasm_internal.wasm', type: 'application/wasm' },
};

const PAGE_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>mediapipe-web</title></head><body><script type="module" src="/harness.js"></script></body></html>';

// Plain JavaScript for the page (tsconfig has no DOM types, and tsx-compiled functions passed to
// page.evaluate can carry helpers the page lacks). It only repacks results into plain objects.
const PAGE_SCRIPT = `
import { FaceLandmarker } from '/tasks-vision/vision_bundle.mjs';

const fileset = {
  wasmLoaderPath: '/tasks-vision/wasm/vision_wasm_internal.js',
  wasmBinaryPath: '/tasks-vision/wasm/vision_wasm_internal.wasm',
};
let landmarker;

window.mienStart = async (options) => {
  const { delegate, ...rest } = options;
  landmarker = await FaceLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: '/model.task', delegate },
    runningMode: 'IMAGE',
    outputFaceBlendshapes: true,
    outputFacialTransformationMatrixes: true,
    ...rest,
  });
};

window.mienDetect = async (id, width, height) => {
  const response = await fetch('/pixels/' + id);
  if (!response.ok) throw new Error('pixels ' + id + ': HTTP ' + response.status);
  const rgba = new Uint8ClampedArray(await response.arrayBuffer());
  const result = landmarker.detect(new ImageData(rgba, width, height));
  return result.faceLandmarks.map((landmarks, i) => ({
    landmarks: landmarks.map((p) => ({ x: p.x, y: p.y, z: p.z })),
    blendshapes: (result.faceBlendshapes[i]?.categories ?? []).map((c) => ({ categoryName: c.categoryName, score: c.score })),
    transformationMatrix: (({ rows, columns, data }) => ({ rows, columns, data: Array.from(data) }))(
      result.facialTransformationMatrixes[i] ?? { rows: 0, columns: 0, data: [] }),
  }));
};

window.mienClose = () => landmarker?.close();
window.mienReady = true;
`;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  // WebGL is needed even on the CPU delegate (images enter the graph as textures); newer Chromium
  // only falls back to SwiftShader's software WebGL with this flag.
  '--enable-unsafe-swiftshader',
  // A closed network: no background connections, no component updates.
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function rgbToRgba(picture: Picture): Uint8Array {
  const { width, height, data } = picture;
  if (data.length !== width * height * 3) throw new TypeError(`picture ${width}x${height} needs ${width * height * 3} RGB bytes, got ${data.length}`);
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < data.length; i += 3, j += 4) {
    rgba[j] = data[i];
    rgba[j + 1] = data[i + 1];
    rgba[j + 2] = data[i + 2];
    rgba[j + 3] = 255;
  }
  return rgba;
}

/** Checks the page's answer has the shape promised, so a changed runtime fails loudly. */
function checkFaces(value: unknown, label: string): WebFace[] {
  if (!Array.isArray(value)) throw new Error(`${label}: the page returned ${typeof value}, not a face list`);
  const faces = value as WebFace[];
  for (const face of faces) {
    const { landmarks, blendshapes, transformationMatrix: m } = face;
    if (landmarks.length !== LANDMARK_COUNT) throw new Error(`${label}: ${landmarks.length} landmarks, expected ${LANDMARK_COUNT}`);
    if (blendshapes.length !== BLENDSHAPE_COUNT) throw new Error(`${label}: ${blendshapes.length} blendshapes, expected ${BLENDSHAPE_COUNT}`);
    if (m.rows !== 4 || m.columns !== 4 || m.data.length !== 16) throw new Error(`${label}: transformation matrix ${m.rows}x${m.columns} (${m.data.length} values), expected 4x4`);
  }
  return faces;
}

export class MediapipeWebRuntime {
  private readonly pixels = new Map<string, Uint8Array>();
  private readonly pageErrors: string[] = [];
  private nextId = 0;
  private browser: Browser | undefined;
  private page: Page | undefined;
  /** The FaceLandmarkerOptions in force (defaults merged with the caller's). */
  readonly options: Required<WebLandmarkerOptions>;

  private constructor(
    private readonly server: Server,
    private readonly taskPath: string,
    options: WebLandmarkerOptions,
  ) {
    this.options = { ...DEFAULT_WEB_OPTIONS, ...options };
  }

  /** Chromium's version, for the record of where reference outputs came from. */
  get chromiumVersion(): string {
    if (!this.browser) throw new Error('MediapipeWebRuntime is closed');
    return this.browser.version();
  }

  /** Serves the runtime and `taskPath` (a face_landmarker.task), opens Chromium, creates the FaceLandmarker. */
  static async start(taskPath: string, options: WebLandmarkerOptions = {}): Promise<MediapipeWebRuntime> {
    const model = await readFile(taskPath);
    const runtime = new MediapipeWebRuntime(createServer(), taskPath, options);
    runtime.server.on('request', (request, response) => void runtime.serve(request, response, model));
    await new Promise<void>((resolve, reject) => {
      runtime.server.once('error', reject);
      runtime.server.listen(0, '127.0.0.1', resolve);
    });
    try {
      const { port } = runtime.server.address() as AddressInfo;
      runtime.browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
      const page = (runtime.page = await runtime.browser.newPage());
      page.on('pageerror', (error) => runtime.pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') runtime.pageErrors.push(message.text());
      });
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction('window.mienReady === true', undefined, { timeout: 30_000 });
      await page.evaluate(`window.mienStart(${JSON.stringify(runtime.options)})`);
      return runtime;
    } catch (error) {
      const errors = runtime.pageErrors.length ? `\npage errors:\n${runtime.pageErrors.join('\n')}` : '';
      await runtime.close();
      throw new Error(`MediaPipe web runtime did not start: ${(error as Error).message}${errors}`);
    }
  }

  /** Runs FaceLandmarker.detect on each picture in turn; one result per picture, in order. */
  async faceLandmarks(pictures: readonly Picture[]): Promise<WebLandmarkerResult[]> {
    const page = this.page;
    if (!page) throw new Error('MediapipeWebRuntime is closed');
    const results: WebLandmarkerResult[] = [];
    for (const picture of pictures) {
      const id = String(this.nextId++);
      this.pixels.set(id, rgbToRgba(picture));
      try {
        const faces = await page.evaluate<unknown>(`window.mienDetect(${JSON.stringify(id)}, ${picture.width}, ${picture.height})`);
        results.push({ faces: checkFaces(faces, `picture ${picture.width}x${picture.height}`) });
      } finally {
        this.pixels.delete(id);
      }
    }
    return results;
  }

  async close(): Promise<void> {
    const browser = this.browser;
    this.page = undefined;
    this.browser = undefined;
    await browser?.close();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(request: IncomingMessage, response: ServerResponse, model: Buffer): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const send = (status: number, type: string, body: string | Uint8Array) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    try {
      if (path === '/') return send(200, 'text/html; charset=utf-8', PAGE_HTML);
      if (path === '/harness.js') return send(200, 'text/javascript', PAGE_SCRIPT);
      if (path === '/model.task') return send(200, 'application/octet-stream', model);
      const packaged = PACKAGE_FILES[path];
      if (packaged) return send(200, packaged.type, await readFile(join(TASKS_VISION_DIR, packaged.file)));
      const pixels = path.startsWith('/pixels/') ? this.pixels.get(path.slice('/pixels/'.length)) : undefined;
      if (pixels) return send(200, 'application/octet-stream', pixels);
      send(404, 'text/plain', `not served: ${path} (model: ${this.taskPath})`);
    } catch (error) {
      send(500, 'text/plain', (error as Error).message);
    }
  }
}
