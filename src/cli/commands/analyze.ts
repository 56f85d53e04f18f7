import { createWriteStream, existsSync, writeFileSync, type WriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { lastValueFrom, ReplaySubject, takeUntil, tap } from 'rxjs';
import type { MienEvent } from '../../events/events.js';
import type { AppearanceRow } from '../../expression/appearance.js';
import { referencesFor, unmatchedReferenceNotice, type ExpressionReference } from '../../expression/matching.js';
import { SourceSpecError } from '../../ingest/errors.js';
import { openSource, parseSource, type OpenedSource } from '../../ingest/source-spec.js';
import type { ExpressionAnalysis } from '../../operators/analysis-pipeline.js';
import { AnalysisRuntime } from '../../runtime/analysis-runtime.js';
import { databasePath } from '../../store/database.js';
import { MienStores } from '../../store/mien-stores.js';
import type { StoredReference } from '../../store/reference-store.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { analysisFps } from '../options.js';

const USAGE = [
  'Usage: mien analyze SOURCE [--refs DB] [--fps N] [--out events.jsonl] [--summary-json FILE]',
  '',
  'SOURCE: a video file, rtsp://... , a .sdp file describing incoming RTP, or test:PATTERN.',
  'Finds every face, drops those FaceQA rejects, groups faces into people, and tags people whose',
  'expression comes within a custom expression\'s threshold (mien refs add). A file is analysed to',
  'its end; a live source until Ctrl-C. Then a table per person: faces seen, faces accepted, and',
  'each tag\'s appearance rate (tagged faces / accepted faces).',
  '',
  '  --refs DB             custom expressions (default: $MIEN_DATA_DIR/mien.db, else ./mien-data/mien.db;',
  '                        without any, people are found and counted but nothing is tagged)',
  '  --fps N               frames analysed per second of video (default 5)',
  '  --out FILE            write every event as a JSON line (default for live sources: stdout)',
  '  --summary-json FILE   write the end table as JSON',
].join('\n');

export const analyseCommand: Command = {
  name: 'analyze',
  summary: 'analyse a video file or live stream: people, FaceQA, expression tags',
  usage: USAGE,
  async run(argv, settings) {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { refs: { type: 'string' }, fps: { type: 'string', default: '5' }, out: { type: 'string' }, 'summary-json': { type: 'string' } },
    });
    if (positionals.length !== 1) throw new CliError(`expected one SOURCE\n\n${USAGE}`, 2);
    const fps = analysisFps(values.fps);
    let spec;
    try {
      spec = parseSource(positionals[0]);
    } catch (error) {
      if (error instanceof SourceSpecError) throw new CliError(error.message);
      throw error;
    }
    const refs = values.refs ?? databasePath(settings.dataDir);
    if (values.refs !== undefined && !existsSync(refs)) {
      throw new CliError(`${refs}: no such reference database; add custom expressions to it first: mien refs add PICTURE --tag TAG --db ${refs}`);
    }
    if (!existsSync(refs)) console.error(`mien: no custom expressions (no database at ${refs}): people are found and counted, nothing is tagged; add some with mien refs add`);
    const stored = existsSync(refs) ? loadReferences(refs) : [];
    // Ctrl-C stops reading, from the first moment (the models may still be loading): the frames in
    // flight are analysed, and the table printed. A second one ends the process.
    const interrupted = new ReplaySubject<void>(1);
    let source: OpenedSource | undefined;
    const quit = () => process.exit(130);
    const stop = () => {
      console.error('\nmien: stopping: finishing the frames in flight (Ctrl-C again to quit at once)');
      interrupted.next();
      source?.close();
      process.once('SIGINT', quit);
    };
    process.once('SIGINT', stop);
    const runtime = await AnalysisRuntime.open(settings);
    const references = matchable(stored, runtime.space.kind.name);
    const counts = { received: 0, analysed: 0, skipped: 0, dropped: 0 };
    const analysis = runtime.analysis(() => references, { onAnalysed: () => counts.analysed++ });
    const gate = analysis.analysisGate();
    const opened = openSource('main', spec, { maxFps: fps }, gate);
    source = opened;
    const out: WriteStream | undefined = values.out ? createWriteStream(values.out) : undefined;
    const progress = new Progress(opened.live);
    try {
      const frames = opened.frames.pipe(takeUntil(interrupted), tap(() => counts.received++));
      const events = frames.pipe(opened.live ? analysis.liveEvents(() => counts.dropped++) : analysis.events(gate));
      await lastValueFrom(
        events.pipe(
          tap((event: MienEvent) => {
            const line = JSON.stringify(event);
            if (out) out.write(`${line}\n`);
            else if (opened.live) console.log(line);
            if (event.kind === 'face') progress.update(event.pts, analysis);
          }),
        ),
        { defaultValue: undefined },
      ).catch((caught: unknown) => {
        const error = caught as Error;
        throw new CliError(`${positionals[0]}: ${error.message}`);
      });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGINT', quit);
      progress.done();
      opened.close();
      await new Promise<void>((resolve) => (out ? out.end(resolve) : resolve()));
      await runtime.close();
    }
    counts.skipped = opened.skippedFrames();
    const identities = analysis.tagger.appearance.summary();
    // Live sources print events on stdout, so their table goes to stderr.
    printTable(identities, counts, opened.live && !out ? console.error : console.log);
    if (values['summary-json']) {
      writeFileSync(values['summary-json'], `${JSON.stringify({ identities, framesAnalysed: counts.analysed, framesSkipped: counts.skipped, framesDropped: counts.dropped }, null, 2)}\n`);
    }
    return 0;
  },
};

function loadReferences(path: string): StoredReference[] {
  const stores = MienStores.open(path);
  try {
    return stores.references.list();
  } finally {
    stores.close();
  }
}

/** The references made with `embedding`; the others are named on stderr and left out. */
function matchable(stored: readonly StoredReference[], embedding: string): ExpressionReference[] {
  const { matched, unmatched } = referencesFor(stored, embedding);
  for (const r of unmatched) console.error(`mien: ${unmatchedReferenceNotice(r, embedding)}`);
  return matched;
}

/** One status line on a terminal: video time reached and people so far. */
class Progress {
  private shown = false;
  private last = 0;

  constructor(private readonly live: boolean) {}

  update(pts: number, analysis: ExpressionAnalysis): void {
    if (!process.stderr.isTTY || this.live || Date.now() - this.last < 200) return;
    this.last = Date.now();
    this.shown = true;
    process.stderr.write(`\ranalysing: ${pts.toFixed(1)} s of video, ${analysis.tagger.appearance.summary().length} people   `);
  }

  done(): void {
    if (this.shown) process.stderr.write('\n');
  }
}

function printTable(rows: readonly AppearanceRow[], counts: { analysed: number; skipped: number; dropped: number }, print: (text: string) => void): void {
  const tags = [...new Set(rows.flatMap((r) => Object.keys(r.appearance)))].sort();
  const header = ['identity', 'faces', 'accepted', ...tags.map((t) => `${t} %`)];
  const lines = rows.map((r) => [String(r.id), String(r.faces), String(r.accepted), ...tags.map((t) => ((r.appearance[t] ?? 0) * 100).toFixed(1))]);
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const format = (cells: string[]) => cells.map((cell, c) => cell.padStart(widths[c])).join('  ');
  print([format(header), ...lines.map(format), '', `frames analysed: ${counts.analysed}, skipped by the source: ${counts.skipped}, dropped (analysis behind): ${counts.dropped}`].join('\n'));
}

