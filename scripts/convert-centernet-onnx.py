#!/usr/bin/python3
"""Converts @vladmandic/human's CenterNet (a TensorFlow.js graph model) to ONNX, person head only.

    /usr/bin/python3 scripts/convert-centernet-onnx.py [--out FILE]

Without --out it writes .hallwatch/models/centernet-person-<hash>.onnx, where <hash> covers this
script and the source model's files (a new converter or a new package version is a new file;
libs/vision/src/detector/onnx-runner.ts computes the same name), and does nothing when that file is
there. Prints the file's path. Needs Debian's python3-onnx and python3-numpy (install-system-deps.sh).

The graph is translated node by node at opset 13 and keeps TensorFlow's NHWC layout: convolutions,
the pool and the resizes are wrapped in transposes to NCHW and back, which ONNX Runtime cancels.
The 80-class heatmap is cut to its person channel (class 0): the top 100 peaks are then the top
100 person peaks, a superset of the persons among the top 100 of all classes.
"""
import argparse
import base64
import hashlib
import json
import os
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL_JSON = os.path.join(ROOT, 'node_modules', '@vladmandic', 'human', 'models', 'centernet.json')
INPUT, OUTPUT = 'tower_0/images', 'tower_0/detections'
PERSON = 0
TO_NCHW, TO_NHWC = [0, 3, 1, 2], [0, 2, 3, 1]


def read_model():
    """The graph's nodes, its weights as numpy arrays (float16 ones widened to float32, as tfjs does) and the source files."""
    with open(MODEL_JSON, 'rb') as f:
        model = json.loads(f.read())
    files = [MODEL_JSON]
    values = {}
    for group in model['weightsManifest']:
        paths = [os.path.join(os.path.dirname(MODEL_JSON), p) for p in group['paths']]
        files += paths
        data = b''.join(open(p, 'rb').read() for p in paths)
        offset = 0
        for spec in group['weights']:
            count = int(np.prod(spec['shape'], dtype=np.int64))
            stored = spec.get('quantization', {}).get('dtype', spec['dtype'])
            dtype = {'float32': '<f4', 'float16': '<f2', 'int32': '<i4'}[stored]
            array = np.frombuffer(data, dtype, count, offset)
            offset += array.nbytes
            values[spec['name']] = array.astype(np.float32 if spec['dtype'] == 'float32' else np.int32).reshape(spec['shape'])
        assert offset == len(data), 'weights manifest does not cover the weight files'
    return model['modelTopology']['node'], values, files


def output_path(files):
    digest = hashlib.sha256()
    for path in [os.path.abspath(__file__)] + files:
        with open(path, 'rb') as f:
            digest.update(f.read())
    return os.path.join(ROOT, '.hallwatch', 'models', f'centernet-person-{digest.hexdigest()[:12]}.onnx')


def person_only(values):
    """Keeps the person channel of the heatmap head; the top-k index is then divided by 1 class instead of 80."""
    weights, biases = 'CenternetHead/centernet_cls_output/pointwise_weights', 'CenternetHead/centernet_cls_output/biases'
    assert values[weights].shape[-1] == values[biases].shape[0] == 80, 'the heatmap head is not the 80-class one'
    values[weights] = values[weights][..., PERSON : PERSON + 1]
    values[biases] = values[biases][PERSON : PERSON + 1]
    classes = 'tower_0/strided_slice_7'  # FloorDiv/FloorMod of the flat top-k index by the class count
    assert int(values[classes]) == 80, f'{classes} is not the class count'
    values[classes] = np.int32(1)


def attr(node, key, default=None):
    """A TensorFlow attribute: its int list, bool, int, float or decoded string."""
    value = node.get('attr', {}).get(key)
    if value is None:
        return default
    if 'list' in value:
        items = value['list']
        return [base64.b64decode(s).decode() for s in items.get('s', [])] or [int(i) for i in items.get('i', [])]
    if 's' in value:
        return base64.b64decode(value['s']).decode()
    if 'b' in value:
        return value['b']
    if 'i' in value:
        return int(value['i'])
    return value.get('f', default)


class Converter:
    def __init__(self, nodes, values):
        self.nodes = {n['name']: n for n in nodes}
        self.values = values
        self.onnx_nodes, self.initializers = [], {}

    def const(self, name):
        assert self.nodes[name]['op'] == 'Const', f'{name} is not a constant'
        return self.values[name]

    def tensor(self, name):
        """The ONNX name of a TensorFlow input ("node" or "node:1"): a constant becomes an initializer as it is."""
        base, _, output = name.partition(':')
        if self.nodes[base]['op'] == 'Const':
            return self.initializer(base, self.const(base))
        return name if output not in ('', '0') else base

    def initializer(self, name, array):
        """A constant tensor named `name` (a constant of the graph, or one made for the node of that name)."""
        if name not in self.initializers:
            self.initializers[name] = numpy_helper.from_array(np.asarray(array), name)
        return name

    def emit(self, op, inputs, outputs, **attrs):
        self.onnx_nodes.append(helper.make_node(op, inputs, outputs, name=outputs[0], **attrs))

    def nchw(self, op, name, x, extra, **attrs):
        """`op` applied in NCHW between two transposes."""
        self.emit('Transpose', [x], [f'{name}/nchw'], perm=TO_NCHW)
        self.emit(op, [f'{name}/nchw'] + extra, [f'{name}/{op}'], **attrs)
        self.emit('Transpose', [f'{name}/{op}'], [name], perm=TO_NHWC)

    def conv(self, node, depthwise):
        name, inputs = node['name'], node['input']
        filters = self.const(inputs[1])
        height, width, channels, multiplier = filters.shape
        if depthwise:
            weights = filters.transpose(2, 3, 0, 1).reshape(channels * multiplier, 1, height, width)
        else:
            weights = filters.transpose(3, 2, 0, 1)
        extra = [self.initializer(f'{name}/weights', weights.astype(np.float32))]
        fused = attr(node, 'fused_ops', [])
        assert fused in ([], ['BiasAdd'], ['BiasAdd', 'Relu']), f'{name}: fused ops {fused}'
        if fused:
            extra.append(self.tensor(inputs[2]))
        strides, dilations = attr(node, 'strides'), attr(node, 'dilations', [1, 1, 1, 1])
        assert attr(node, 'data_format', 'NHWC') == 'NHWC' and strides[0] == strides[3] == 1
        out = f'{name}/conv' if 'Relu' in fused else name
        self.nchw(
            'Conv',
            out,
            self.tensor(inputs[0]),
            extra,
            kernel_shape=[height, width],
            strides=strides[1:3],
            dilations=dilations[1:3],
            group=channels if depthwise else 1,
            auto_pad={'SAME': 'SAME_UPPER', 'VALID': 'VALID'}[attr(node, 'padding')],
        )
        if 'Relu' in fused:
            self.emit('Relu', [out], [name])

    def order(self):
        """The nodes OUTPUT depends on, each after its inputs."""
        order, seen, stack = [], set(), [(OUTPUT, False)]
        while stack:
            name, inputs_done = stack.pop()
            if inputs_done:
                order.append(name)
            elif name not in seen:
                seen.add(name)
                stack.append((name, True))
                stack += [(i.partition(':')[0], False) for i in self.nodes[name].get('input', [])]
        return order

    def convert(self, name):
        node = self.nodes[name]
        op, inputs = node['op'], node.get('input', [])
        if op in ('Const', 'Placeholder'):
            return
        data = lambda i: self.tensor(inputs[i])  # noqa: E731
        if op in ('_FusedConv2D', 'Conv2D'):
            self.conv(node, depthwise=False)
        elif op in ('FusedDepthwiseConv2dNative', 'DepthwiseConv2dNative'):
            self.conv(node, depthwise=True)
        elif op in ('Add', 'Sub', 'Mul', 'Equal'):
            self.emit(op, [data(0), data(1)], [name])
        elif op == 'FloorDiv':  # integer indices, never negative: Div truncates, which is the floor
            self.emit('Div', [data(0), data(1)], [name])
        elif op == 'FloorMod':
            self.emit('Mod', [data(0), data(1)], [name], fmod=0)
        elif op in ('Relu', 'Sigmoid', 'Identity'):
            self.emit(op, [data(0)], [name])
        elif op == 'Relu6':
            zero, six = (self.initializer(f'{name}/{v}', np.float32(v)) for v in (0, 6))
            self.emit('Clip', [data(0), zero, six], [name])
        elif op == 'Cast':
            to = {'DT_FLOAT': TensorProto.FLOAT, 'DT_INT32': TensorProto.INT32}[node['attr']['DstT']['type']]
            self.emit('Cast', [data(0)], [name], to=to)
        elif op == 'Mean':
            self.emit('ReduceMean', [data(0)], [name], axes=self.const(inputs[1]).tolist(), keepdims=int(attr(node, 'keep_dims')))
        elif op == 'ConcatV2':
            self.emit('Concat', [data(i) for i in range(len(inputs) - 1)], [name], axis=int(self.const(inputs[-1])))
        elif op == 'Reshape':
            self.emit('Reshape', [data(0), self.initializer(f'{name}/shape', self.const(inputs[1]).astype(np.int64))], [name])
        elif op == 'ExpandDims':
            axes = self.initializer(f'{name}/axes', self.const(inputs[1]).astype(np.int64).reshape(1))
            self.emit('Unsqueeze', [data(0), axes], [name])
        elif op == 'GatherV2':
            assert attr(node, 'batch_dims', 0) == 0
            self.emit('Gather', [data(0), data(1)], [name], axis=int(self.const(inputs[2])))
        elif op == 'StridedSlice':
            self.strided_slice(node)
        elif op == 'TopKV2':
            k = self.initializer(f'{name}/k', self.const(inputs[1]).astype(np.int64).reshape(1))
            self.emit('TopK', [data(0), k], [name, f'{name}/indices'], axis=-1, largest=1, sorted=1)
            self.emit('Cast', [f'{name}/indices'], [f'{name}:1'], to=TensorProto.INT32)
        elif op == 'MaxPool':
            size, strides = attr(node, 'ksize'), attr(node, 'strides')
            assert attr(node, 'padding') == 'SAME' and size[0] == size[3] == strides[0] == strides[3] == 1
            self.nchw('MaxPool', name, data(0), [], kernel_shape=size[1:3], strides=strides[1:3], auto_pad='SAME_UPPER')
        elif op == 'ResizeBilinear':
            assert not attr(node, 'align_corners') and not attr(node, 'half_pixel_centers')
            x = data(0)
            # Resize needs the full NCHW size: N and C from the input, H and W from the graph's constant.
            self.emit('Shape', [x], [f'{name}/shape'])
            self.emit('Gather', [f'{name}/shape', self.initializer(f'{name}/nc_axes', np.array([0, 3], np.int64))], [f'{name}/nc'])
            sizes = self.initializer(f'{name}/hw', self.const(inputs[1]).astype(np.int64))
            self.emit('Concat', [f'{name}/nc', sizes], [f'{name}/sizes'], axis=0)
            self.nchw('Resize', name, x, ['', '', f'{name}/sizes'], mode='linear', coordinate_transformation_mode='asymmetric')
        else:
            raise ValueError(f'{name}: no translation of TensorFlow op {op}')

    def strided_slice(self, node):
        name, inputs = node['name'], node['input']
        begin, end, strides = (self.const(i).astype(np.int64) for i in inputs[1:4])
        for mask in ('ellipsis_mask', 'new_axis_mask', 'shrink_axis_mask'):
            assert attr(node, mask, 0) == 0, f'{name}: {mask}'
        begin_mask, end_mask = attr(node, 'begin_mask', 0), attr(node, 'end_mask', 0)
        big = np.iinfo(np.int64).max
        axes = [a for a in range(len(begin)) if not (begin_mask >> a & 1 and end_mask >> a & 1)]
        starts = [0 if begin_mask >> a & 1 else begin[a] for a in axes]
        ends = [big if end_mask >> a & 1 else end[a] for a in axes]
        arrays = [np.array(v, np.int64) for v in (starts, ends, axes, [strides[a] for a in axes])]
        names = [self.initializer(f'{name}/{part}', a) for part, a in zip(('starts', 'ends', 'axes', 'steps'), arrays)]
        self.emit('Slice', [self.tensor(inputs[0])] + names, [name])

    def model(self):
        for name in self.order():
            self.convert(name)
        shape = lambda name: [int(d['size']) for d in self.nodes[name]['attr']['shape']['shape']['dim']]  # noqa: E731
        graph = helper.make_graph(
            self.onnx_nodes,
            'centernet-person',
            [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, shape(INPUT))],
            [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, [1, 100, 6])],
            list(self.initializers.values()),
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='hallwatch convert-centernet-onnx.py')
        onnx.checker.check_model(model)
        return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', help='ONNX file to write (default: .hallwatch/models/centernet-person-<hash>.onnx, kept if there)')
    args = parser.parse_args()
    if not os.path.exists(MODEL_JSON):
        sys.exit(f'{MODEL_JSON} is missing: install the npm packages first (npm ci)')
    nodes, values, files = read_model()
    out = args.out or output_path(files)
    if args.out is None and os.path.exists(out):
        print(out)
        return
    started = time.monotonic()
    person_only(values)
    model = Converter(nodes, values).model()
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    # Written beside and renamed: a concurrent reader never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(out)), suffix='.onnx.tmp')
    with os.fdopen(fd, 'wb') as f:
        f.write(model.SerializeToString())
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)
    print(f'[convert-centernet-onnx] wrote {out} in {time.monotonic() - started:.1f} s', file=sys.stderr)
    print(out)


if __name__ == '__main__':
    sys.exit(main())
