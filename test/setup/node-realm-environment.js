// Node's test environment with Node's own typed-array constructors, as jest already does for
// ArrayBuffer and Uint8Array. A native addon makes its arrays in Node's realm: onnxruntime-node's
// output tensors are Float32Arrays that `instanceof Float32Array` must accept (onnxruntime-common
// checks it), or the onnx detector backend could not run inside a jest file.
const { TestEnvironment } = require('jest-environment-node');

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class NodeRealmEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

module.exports = NodeRealmEnvironment;
