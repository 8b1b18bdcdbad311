/**
 * A detector module for HALLWATCH_DETECTOR_MODULE: the real built-in detector, except that a pass
 * blocks its thread for as long as the flag file exists, as a WebAssembly kernel stuck in a loop
 * would (the worker's event loop does not run; only ending the thread stops it). It runs in the
 * detector's worker thread, behind the real WorkerDetector. The flag is the file
 * HALLWATCH_TEST_DETECTOR_HANG names, else hangFlag(pid of the process): a detector started inside
 * a jest test does not see the test's environment.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const hangFlag = (pid) => path.join(os.tmpdir(), `hallwatch-detector-hang-${pid}`);
const sleeper = new Int32Array(new SharedArrayBuffer(4));

exports.hangFlag = hangFlag;

exports.load = async (config) => {
  const { loadDetector } = require(path.resolve(__dirname, '..', '..', 'dist', 'libs', 'vision', 'src', 'detector', 'detector.factory.js'));
  const flag = process.env.HALLWATCH_TEST_DETECTOR_HANG || hangFlag(process.pid);
  const real = await loadDetector(config);
  return {
    name: real.name,
    backend: real.backend,
    inputSize: real.inputSize,
    detect(rgb) {
      // Synchronous: nothing else runs on this thread meanwhile. Atomics.wait sleeps without spinning.
      while (fs.existsSync(flag)) Atomics.wait(sleeper, 0, 0, 200);
      return real.detect(rgb);
    },
  };
};
