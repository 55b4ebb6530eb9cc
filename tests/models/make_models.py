#!/usr/bin/env python3
"""Writes the synthetic test models of tests/models into a directory (default: the current one).

    make_models.py <out-dir>

  resnet.onnx       ResNet-style CNN, input x [N,3,32,32] (N dynamic), output prob [N,10]:
                    Conv+BatchNormalization+Relu stem, MaxPool, three basic residual blocks
                    (the second with stride 2 and a 1x1 Conv+BN projection on the shortcut),
                    GlobalAveragePool, Flatten, Gemm (transB=1), Softmax.
  transformer.onnx  BERT-style encoder, input x [batch,seq,64] (batch and seq dynamic), output
                    y [batch,seq,64]: two post-LN layers of 4-head self-attention (hidden 64,
                    FFN 128). Written the way PyTorch/HF exporters write it: the head split and
                    merge as Shape -> Gather -> Unsqueeze -> Concat -> Reshape, Transpose
                    [0,2,1,3], MatMul Q.K^T, Div by sqrt(d), Softmax(-1), MatMul V; the FFN's
                    GELU in its Erf form; LayerNorm written out as
                    ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add in layer 0 and as the
                    LayerNormalization op in layer 1.

Opset 17, float32, weights from a fixed seed (the models are the same on every run; the
inputs that check_models.py draws are not). Weights are scaled so activations stay O(1):
He init (scaled by 0.7) for the convolutions, 1/sqrt(fan_in) for the matrix multiplies.
"""
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
SEED = 20260101


class Graph:
    """Small helper: unique names, initializers and nodes."""

    def __init__(self, rng):
        self.rng = rng
        self.nodes = []
        self.inits = []
        self.count = 0

    def name(self, base):
        self.count += 1
        return f"{base}_{self.count}"

    def const(self, base, array):
        n = self.name(base)
        self.inits.append(numpy_helper.from_array(np.asarray(array), n))
        return n

    def op(self, op_type, inputs, base=None, outputs=1, **attrs):
        base = base or op_type.lower()
        outs = [self.name(base) for _ in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=self.name(op_type), **attrs))
        return outs[0] if outputs == 1 else outs


# ---------------------------------------------------------------------------------------------
# ResNet-style CNN


def conv_bn(g, x, cin, cout, k, stride, relu):
    rng = g.rng
    # He init scaled down (x0.7): BN here does not renormalize, so full He init grows the
    # activations block after block; this keeps them O(1) to the logits.
    w = (rng.standard_normal((cout, cin, k, k)) * 0.7 * math.sqrt(2.0 / (cin * k * k))).astype(np.float32)
    b = (rng.standard_normal(cout) * 0.05).astype(np.float32)
    y = g.op("Conv", [x, g.const("conv_w", w), g.const("conv_b", b)], "conv", kernel_shape=[k, k],
             strides=[stride, stride], pads=[k // 2] * 4)
    scale = rng.uniform(0.5, 1.5, cout).astype(np.float32)
    bias = (rng.standard_normal(cout) * 0.1).astype(np.float32)
    mean = (rng.standard_normal(cout) * 0.1).astype(np.float32)
    var = rng.uniform(0.5, 1.5, cout).astype(np.float32)
    y = g.op("BatchNormalization", [y, g.const("bn_scale", scale), g.const("bn_bias", bias),
                                    g.const("bn_mean", mean), g.const("bn_var", var)], "bn", epsilon=1e-5)
    return g.op("Relu", [y]) if relu else y


def basic_block(g, x, cin, cout, stride):
    y = conv_bn(g, x, cin, cout, 3, stride, relu=True)
    y = conv_bn(g, y, cout, cout, 3, 1, relu=False)
    shortcut = x if (stride == 1 and cin == cout) else conv_bn(g, x, cin, cout, 1, stride, relu=False)
    return g.op("Relu", [g.op("Add", [y, shortcut])])


def make_resnet():
    g = Graph(np.random.default_rng(SEED))
    y = conv_bn(g, "x", 3, 16, 3, 1, relu=True)                       # N,16,32,32
    y = g.op("MaxPool", [y], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])  # N,16,16,16
    y = basic_block(g, y, 16, 16, 1)
    y = basic_block(g, y, 16, 32, 2)                                   # N,32,8,8 (projection)
    y = basic_block(g, y, 32, 32, 1)
    y = g.op("GlobalAveragePool", [y])                                 # N,32,1,1
    y = g.op("Flatten", [y], axis=1)                                   # N,32
    fc_w = (g.rng.standard_normal((10, 32)) * math.sqrt(1.0 / 32)).astype(np.float32)
    fc_b = (g.rng.standard_normal(10) * 0.1).astype(np.float32)
    y = g.op("Gemm", [y, g.const("fc_w", fc_w), g.const("fc_b", fc_b)], "logits", transB=1)
    g.nodes.append(helper.make_node("Softmax", [y], ["prob"], name="softmax_out", axis=1))
    graph = helper.make_graph(
        g.nodes, "resnet_small",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 32, 32])],
        [helper.make_tensor_value_info("prob", TensorProto.FLOAT, ["N", 10])], g.inits)
    return finish(graph)


# ---------------------------------------------------------------------------------------------
# BERT-style transformer encoder

HIDDEN, HEADS, FFN, LAYERS = 64, 4, 128, 2
HEAD_DIM = HIDDEN // HEADS


def linear(g, x, fan_in, fan_out, base):
    w = (g.rng.standard_normal((fan_in, fan_out)) / math.sqrt(fan_in)).astype(np.float32)
    b = (g.rng.standard_normal(fan_out) * 0.1).astype(np.float32)
    return g.op("Add", [g.op("MatMul", [x, g.const(base + "_w", w)], base + "_mm"), g.const(base + "_b", b)], base)


def layer_norm(g, x, decomposed):
    gamma = g.rng.uniform(0.8, 1.2, HIDDEN).astype(np.float32)
    beta = (g.rng.standard_normal(HIDDEN) * 0.1).astype(np.float32)
    if not decomposed:
        return g.op("LayerNormalization", [x, g.const("ln_gamma", gamma), g.const("ln_beta", beta)], "ln",
                    axis=-1, epsilon=1e-5)
    mean = g.op("ReduceMean", [x], "ln_mean", axes=[-1], keepdims=1)
    d = g.op("Sub", [x, mean], "ln_sub")
    var = g.op("ReduceMean", [g.op("Pow", [d, g.const("two", np.array(2.0, np.float32))], "ln_pow")], "ln_var",
               axes=[-1], keepdims=1)
    sd = g.op("Sqrt", [g.op("Add", [var, g.const("eps", np.array(1e-5, np.float32))], "ln_add")], "ln_sqrt")
    n = g.op("Div", [d, sd], "ln_div")
    return g.op("Add", [g.op("Mul", [n, g.const("ln_gamma", gamma)], "ln_mul"), g.const("ln_beta", beta)], "ln")


def batch_seq(g, x):
    """Shape(x) -> Gather(0), Gather(1) -> Unsqueeze: the [batch] and [seq] 1-d tensors."""
    shape = g.op("Shape", [x])
    axes0 = g.const("axes0", np.array([0], np.int64))
    b = g.op("Unsqueeze", [g.op("Gather", [shape, g.const("idx0", np.array(0, np.int64))], axis=0), axes0])
    shape = g.op("Shape", [x])
    s = g.op("Unsqueeze", [g.op("Gather", [shape, g.const("idx1", np.array(1, np.int64))], axis=0), axes0])
    return b, s


def split_heads(g, t, b, s, perm):
    shape = g.op("Concat", [b, s, g.const("heads", np.array([HEADS], np.int64)),
                            g.const("head_dim", np.array([HEAD_DIM], np.int64))], "split_shape", axis=0)
    return g.op("Transpose", [g.op("Reshape", [t, shape])], perm=perm)


def encoder_layer(g, x, index):
    b, s = batch_seq(g, x)
    q = split_heads(g, linear(g, x, HIDDEN, HIDDEN, "q"), b, s, [0, 2, 1, 3])        # B,H,S,D
    if index == 0:
        kt = split_heads(g, linear(g, x, HIDDEN, HIDDEN, "k"), b, s, [0, 2, 3, 1])   # B,H,D,S directly
    else:
        k = split_heads(g, linear(g, x, HIDDEN, HIDDEN, "k"), b, s, [0, 2, 1, 3])
        kt = g.op("Transpose", [k], perm=[0, 1, 3, 2])
    v = split_heads(g, linear(g, x, HIDDEN, HIDDEN, "v"), b, s, [0, 2, 1, 3])
    scores = g.op("Div", [g.op("MatMul", [q, kt], "qk"), g.const("sqrt_d", np.array(math.sqrt(HEAD_DIM), np.float32))],
                  "scores")
    probs = g.op("Softmax", [scores], "probs", axis=-1)
    ctx = g.op("Transpose", [g.op("MatMul", [probs, v], "ctx")], perm=[0, 2, 1, 3])  # B,S,H,D
    b2, s2 = batch_seq(g, x)
    merge = g.op("Concat", [b2, s2, g.const("hidden", np.array([HIDDEN], np.int64))], "merge_shape", axis=0)
    ctx = g.op("Reshape", [ctx, merge])
    h = layer_norm(g, g.op("Add", [x, linear(g, ctx, HIDDEN, HIDDEN, "attn_out")], "res1"), decomposed=index == 0)
    f = linear(g, h, HIDDEN, FFN, "ffn1")
    erf = g.op("Erf", [g.op("Div", [f, g.const("sqrt2", np.array(math.sqrt(2.0), np.float32))])])
    gelu = g.op("Mul", [g.op("Mul", [f, g.op("Add", [erf, g.const("one", np.array(1.0, np.float32))])]),
                        g.const("half", np.array(0.5, np.float32))], "gelu")
    f = linear(g, gelu, FFN, HIDDEN, "ffn2")
    return layer_norm(g, g.op("Add", [h, f], "res2"), decomposed=index == 0)


def make_transformer():
    g = Graph(np.random.default_rng(SEED + 1))
    y = "x"
    for i in range(LAYERS):
        y = encoder_layer(g, y, i)
    g.nodes.append(helper.make_node("Identity", [y], ["y"], name="output"))
    graph = helper.make_graph(
        g.nodes, "transformer_small",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "seq", HIDDEN])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "seq", HIDDEN])], g.inits)
    return finish(graph)


def finish(graph):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="kiln-tests-make_models")
    model.ir_version = 8  # what opset 17 exporters write; onnxruntime 1.1x+ reads it
    onnx.checker.check_model(model, full_check=True)
    return model


MODELS = {"resnet.onnx": make_resnet, "transformer.onnx": make_transformer}


def main(argv):
    out = argv[1] if len(argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    for file, make in MODELS.items():
        path = os.path.join(out, file)
        onnx.save(make(), path)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
