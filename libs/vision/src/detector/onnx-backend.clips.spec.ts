/**
 * The onnx backend (scripts/convert-centernet-onnx.py's conversion on onnxruntime-node) against
 * the TensorFlow.js model it was converted from, on the clip scenarios: the same zone answers,
 * and in every pass the same person detections, within the tolerance libs/vision/README.md states
 * (the person-only head adds persons only below the 80-class head's 100th row).
 * The converted model must be there (scripts/install-system-deps.sh, npm test's pretest, makes
 * it): without it these tests fail, they do not skip.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CLIP_SCENARIOS, clipFrames } from '../../../../test/support/clip-scenarios';
import { createZoneAnalyzer, ZoneResult } from '../zone-analyzer';
import { defaultCenterNetPath } from './centernet.detector';
import { loadDetector } from './detector.factory';
import { Detection, Detector } from './detector.interface';
import { CONVERTER, onnxModelPathFor } from './onnx-runner';

/** Largest difference allowed between the backends: detection scores, box corners (input pixels). Measured: 3e-6, 4e-4. */
const SCORE_TOLERANCE = 1e-4;
const BOX_TOLERANCE_PX = 0.01;
/** Zone confidences are rounded to 0.01 (occupancy-rule.ts): a score 1e-4 apart can round one step apart. */
const CONFIDENCE_TOLERANCE = 0.01 + 1e-9;
/** Rows of tower_0/detections: the 80-class model's 100 best peaks of all classes. */
const ROWS = 100;

/** A detector that keeps each pass's input and answer. */
function recording(detector: Detector): Detector & { passes: { input: Uint8Array; detections: Detection[] }[] } {
  const passes: { input: Uint8Array; detections: Detection[] }[] = [];
  return {
    name: detector.name,
    backend: detector.backend,
    inputSize: detector.inputSize,
    passes,
    async detect(rgb) {
      const detections = await detector.detect(rgb);
      passes.push({ input: rgb.slice(), detections });
      return detections;
    },
  };
}

const persons = (detections: Detection[]) => detections.filter((d) => d.isPerson);
const maxDiff = (a: readonly number[], b: readonly number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
const answer = ({ confidence: _, ...rest }: ZoneResult) => rest;

describe('the onnx detector backend', () => {
  jest.setTimeout(180_000);
  let onnx: Detector;
  let tfjs: Detector;

  beforeAll(async () => {
    const logged: string[] = [];
    onnx = await loadDetector({ backend: 'onnx', log: (m) => logged.push(m) });
    if (onnx.backend !== 'onnx') throw new Error(`the onnx backend did not start: ${logged.join('; ')}`);
    tfjs = await loadDetector({ backend: 'wasm' });
    expect(tfjs.backend).toBe('wasm');
  });

  it('is what the converter writes today, byte for byte', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'centernet-onnx-')), 'centernet.onnx');
    const run = spawnSync('/usr/bin/python3', [CONVERTER, '--out', out], { encoding: 'utf8' });
    expect(run.stderr).toMatch(/wrote/);
    expect(run.status).toBe(0);
    expect(readFileSync(out).equals(readFileSync(onnxModelPathFor(defaultCenterNetPath())))).toBe(true);
  });

  it.each(CLIP_SCENARIOS.map((s) => [s.clip, s] as const))(
    '%s: the same zone answers and person detections as TensorFlow.js',
    async (_clip, scenario) => {
      const zones = await scenario.zones();
      const [a, b] = [recording(onnx), recording(tfjs)];
      const [onAnalyzer, tfAnalyzer] = await Promise.all([a, b].map((detector) => createZoneAnalyzer({ zones, detector })));
      for await (const frame of clipFrames(scenario)) {
        const [onResults, tfResults] = [await onAnalyzer.analyze(frame), await tfAnalyzer.analyze(frame)];
        expect(onResults.map(answer)).toEqual(tfResults.map(answer));
        expect(
          maxDiff(
            onResults.map((r) => r.confidence),
            tfResults.map((r) => r.confidence),
          ),
        ).toBeLessThanOrEqual(CONFIDENCE_TOLERANCE);
      }
      // Same answers, so the same zones were asked in the same mosaics: compare pass by pass.
      expect(a.passes.length).toBe(b.passes.length);
      expect(a.passes.length).toBeGreaterThan(0);
      a.passes.forEach((pass, i) => {
        expect(Buffer.from(pass.input).equals(Buffer.from(b.passes[i].input))).toBe(true);
        const all = b.passes[i].detections;
        const [got, want] = [persons(pass.detections), persons(all)];
        // The same persons in the same order; the person head has room for more only where the
        // 80-class head's 100 rows were full, and those score no more than its last row.
        expect(got.length).toBeGreaterThanOrEqual(want.length);
        want.forEach((d, j) => {
          expect(Math.abs(got[j].score - d.score)).toBeLessThanOrEqual(SCORE_TOLERANCE);
          expect(maxDiff(got[j].box, d.box)).toBeLessThanOrEqual(BOX_TOLERANCE_PX);
        });
        const cut = all.length === ROWS ? Math.min(...all.map((d) => d.score)) : 0;
        expect(got.slice(want.length).filter((d) => d.score > cut + SCORE_TOLERANCE)).toEqual([]);
      });
    },
  );
});
