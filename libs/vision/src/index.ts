/**
 * @hallwatch/vision — is a staff member in this window's seat?
 *
 * Public API (stable; the inference service depends on it):
 *
 *   const analyzer = await createZoneAnalyzer({ zones: [{ id: 'A', polygon: [[0.1, 0.4], ...] }] });
 *   const frame = await decodeJpeg(jpegBuffer, Date.now());        // RGB24 frame, `at` in ms
 *   const results = await analyzer.analyze(frame);
 *   // -> [{ zone: 'A', occupied: true, confidence: 0.91, persons: 1, inferred: true, judgeable: true }]
 *
 * - One analyzer per camera (it keeps per-zone state for change gating and hysteresis); frames
 *   must be given in time order. The detector model is loaded once per process (loadDetector);
 *   analyzers given the same `packer: new MosaicPacker(detector)` share its passes, so zones of
 *   several cameras fill one detector input.
 * - `judgeable: false` when the frame is too dark or flat to judge; such zones read empty with
 *   confidence 0 and must not be treated as an absence.
 * - `inferred: false` when the zone's pixels had not changed since its last answer and that answer
 *   was reused (a doubtful one is asked again at every frame, a confident one re-confirmed at least
 *   every `reconfirmMs`, default 20 s; `reconfirmInBackground` asks without holding up the frame).
 * - Backend: onnxruntime-node with the converted model when both load, else tfjs-node, else
 *   TensorFlow.js WebAssembly (SIMD), else plain JS; DetectorConfig.backend tries one first (see loadDetector).
 * - Evidence frames: `maskOutsideZones(jpeg, polygons)` blurs all but the zones (privacy).
 * - The occupancy rule and the model licences are in libs/vision/README.md.
 */
export { createZoneAnalyzer, DEFAULT_CHANGE, DEFAULT_THRESHOLDS } from './zone-analyzer';
export type { ZoneAnalyzer, ZoneAnalyzerOptions, ZoneDefinition, ZoneResult } from './zone-analyzer';
export { decodeJpeg } from './frame/rgb-frame';
export { MosaicPacker } from './occupancy/mosaic';
export { maskBlurSigma, maskOutsideZones, zoneMaskSvg } from './frame/evidence-mask';
export type { RgbFrame } from './frame/rgb-frame';
export { probeVideo, sampleVideo } from './frame/video-frame-source';
export type { VideoInfo } from './frame/video-frame-source';
export { parseZones, readZonesFile } from './zones/zones-file';
export { DETECTOR_BACKENDS, loadDetector } from './detector/detector.factory';
export type { DetectorBackend, DetectorConfig } from './detector/detector.factory';
export type { Detection, Detector } from './detector/detector.interface';
export type { OccupancyThresholds } from './occupancy/occupancy-rule';
export type { ChangeThresholds } from './occupancy/change-gate';
export type { Point } from './geometry/zone-geometry';
