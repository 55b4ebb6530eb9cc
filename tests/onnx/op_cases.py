"""The cases of check_ops.py: input generators, the small model-building DSL, and one or more
cases per ONNX op importer (define_cases fills CASES)."""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zlib
import numpy as np

INT64_MAX = np.iinfo(np.int64).max
INT64_MIN = np.iinfo(np.int64).min

# ---------------------------------------------------------------------------------------------
# Input generators: functions of the case's numpy Generator.


def U(*shape, lo=-1.0, hi=1.0, dtype=np.float32):
    """Uniform floats in [lo, hi)."""
    return lambda rng: rng.uniform(lo, hi, shape).astype(dtype)


def Away(*shape, lo=0.5, hi=2.0):
    """Floats with |v| in [lo, hi), random sign (divisors, reciprocals)."""
    return lambda rng: (rng.uniform(lo, hi, shape) * rng.choice([-1.0, 1.0], shape)).astype(np.float32)


def Ints(*shape, lo=-5, hi=6, dtype=np.int64, nonzero=False):
    """Integers in [lo, hi); nonzero=True draws no 0 (divisors)."""

    def gen(rng):
        v = rng.integers(lo, hi, shape)
        if nonzero:
            v = np.where(v == 0, hi - 1 if hi - 1 != 0 else lo, v)
        if v.size and not np.any(v):
            v.flat[0] = 1 if hi > 1 else lo
        return v.astype(dtype)

    return gen


def Bools(*shape):
    """Random booleans, at least one True and one False when there are two elements."""

    def gen(rng):
        v = rng.random(shape) < 0.5
        if v.size >= 2:
            v.flat[0], v.flat[1] = True, False
        return v

    return gen


def Grid(*shape, values=(-1.0, -0.5, 0.5, 1.0, 2.0), dtype=np.float32):
    """Values drawn from a small set (ties for comparisons, ArgMax)."""
    return lambda rng: rng.choice(np.asarray(values, dtype=np.float64), shape).astype(dtype)


def Special(*shape, specials=(np.nan, np.inf, -np.inf)):
    """Uniform floats with some elements replaced by the special values (IsNaN, IsInf)."""

    def gen(rng):
        v = rng.uniform(-2, 2, shape)
        flat = v.reshape(-1)
        idx = rng.choice(flat.size, size=min(flat.size, 2 * len(specials)), replace=False)
        for k, i in enumerate(idx):
            flat[i] = specials[k % len(specials)]
        return v.astype(np.float32)

    return gen


def Halves(*shape):
    """Floats with many exact halves (-2.5, 0.5, ...) and some plain values (Round, Ceil, Floor)."""

    def gen(rng):
        v = rng.integers(-8, 9, shape) / 2.0
        noise = rng.uniform(-3, 3, shape)
        return np.where(rng.random(shape) < 0.6, v, noise).astype(np.float32)

    return gen


def WithZeros(*shape):
    """Uniform floats with some exact zeros (Sign, Cast to bool)."""

    def gen(rng):
        v = rng.uniform(-2, 2, shape)
        v[rng.random(shape) < 0.3] = 0.0
        v.flat[0] = 0.0
        if v.size > 1:
            v.flat[1] = 1.25
        return v.astype(np.float32)

    return gen


def Fixed(value, dtype=None):
    a = np.asarray(value, dtype=dtype)
    return lambda rng: a


class W:
    """An initializer: a fixed array or a generator (random weights)."""

    def __init__(self, value, dtype=None):
        self.value = value if callable(value) else Fixed(value, dtype)


def i64(*v):
    return W(np.asarray(v, dtype=np.int64))


def f32(*v):
    return W(np.asarray(v, dtype=np.float32))


# ---------------------------------------------------------------------------------------------
# Cases


class Case:
    def __init__(self, name, nodes, inputs, outputs, inits, opset, dynamic):
        self.name = name
        self.nodes = nodes          # onnx NodeProto list
        self.inputs = inputs        # {name: generator}, the graph inputs in order
        self.outputs = outputs      # graph output names
        self.inits = inits          # {name: generator}
        self.opset = opset
        self.dynamic = dynamic or {}  # {input: (declared dims with dim_params, min dims, max dims)}


CASES = []


def case(name, nodes, inputs, outputs, inits=None, opset=17, dynamic=None):
    assert not any(c.name == name for c in CASES), f"duplicate case name {name}"
    CASES.append(Case(name, nodes, dict(inputs), list(outputs), {k: v.value for k, v in (inits or {}).items()},
                      opset, dynamic))


def node(op_type, inputs, outputs, **attrs):
    from onnx import helper

    return helper.make_node(op_type, inputs, outputs, **attrs)


def op(name, op_type, ins, opset=17, n_out=1, dynamic=None, **attrs):
    """A one-node case. ins: a list of specs, one per node input: a generator (a graph input named
    in<i>), a W (an initializer named in<i>) or None (an absent optional input)."""
    names, inputs, inits = [], {}, {}
    for i, spec in enumerate(ins):
        if spec is None:
            names.append("")
            continue
        n = f"in{i}"
        names.append(n)
        if isinstance(spec, W):
            inits[n] = spec
        else:
            inputs[n] = spec
    outs = [f"out{k}" for k in range(n_out)]
    case(name, [node(op_type, names, outs, **attrs)], inputs, outs, inits, opset, dynamic)


def tensor_attr(value, dtype):
    from onnx import numpy_helper

    return numpy_helper.from_array(np.asarray(value, dtype=dtype))


def define_cases():
    from onnx import TensorProto

    # --- element-wise binary ops (numpy broadcasting) ------------------------------------------
    op("Add broadcast [2,3,4]+[3,1]", "Add", [U(2, 3, 4), U(3, 1)])
    op("Add initializer [2,3]+[3]", "Add", [U(2, 3), W(U(3))])
    op("Add int64", "Add", [Ints(2, 3, lo=-100, hi=100), Ints(3, lo=-100, hi=100)])
    op("Add int32", "Add", [Ints(2, 3, dtype=np.int32), Ints(2, 1, dtype=np.int32)])
    op("Sub broadcast [2,3,4]-[4]", "Sub", [U(2, 3, 4), U(4)])
    op("Sub int64", "Sub", [Ints(3, 4), Ints(1, 4)])
    op("Mul broadcast [2,1,4]*[3,1]", "Mul", [U(2, 1, 4), U(3, 1)])
    op("Mul int32", "Mul", [Ints(3, 4, dtype=np.int32), Ints(4, dtype=np.int32)])
    op("Div broadcast [2,3,4]/[3,4]", "Div", [U(2, 3, 4), Away(3, 4)])
    op("Div int32 mixed signs", "Div", [Ints(3, 4, lo=-20, hi=21, dtype=np.int32),
                                        Ints(3, 4, lo=-5, hi=6, dtype=np.int32, nonzero=True)])
    op("Div int64 mixed signs", "Div", [Ints(3, 4, lo=-20, hi=21), Ints(4, lo=-5, hi=6, nonzero=True)])
    op("Equal int64 broadcast", "Equal", [Ints(3, 4, lo=0, hi=3), Ints(4, lo=0, hi=3)])
    op("Equal float", "Equal", [Grid(3, 4), Grid(3, 4)])
    op("Greater float broadcast", "Greater", [Grid(2, 3, 4), Grid(3, 1)])
    op("Greater int32", "Greater", [Ints(3, 4, dtype=np.int32), Ints(3, 4, dtype=np.int32)])
    op("Less float broadcast", "Less", [Grid(2, 3, 4), Grid(4)])
    op("Less int64", "Less", [Ints(3, 4), Ints(3, 1)])
    op("GreaterOrEqual float ties", "GreaterOrEqual", [Grid(3, 4), Grid(3, 4)])
    op("GreaterOrEqual int64", "GreaterOrEqual", [Ints(3, 4, lo=0, hi=3), Ints(4, lo=0, hi=3)])
    op("LessOrEqual float ties", "LessOrEqual", [Grid(3, 4), Grid(1, 4)])
    op("LessOrEqual int32", "LessOrEqual", [Ints(3, 4, lo=0, hi=3, dtype=np.int32), Ints(3, 4, lo=0, hi=3, dtype=np.int32)])
    op("And broadcast", "And", [Bools(2, 3, 4), Bools(3, 4)])
    op("Or broadcast", "Or", [Bools(2, 3, 4), Bools(4)])
    op("Xor", "Xor", [Bools(3, 4), Bools(3, 4)])
    op("Max one input", "Max", [U(2, 3)])
    op("Max two inputs broadcast", "Max", [U(2, 3, 4), U(3, 1)])
    op("Max three inputs", "Max", [U(2, 3), U(2, 3), U(3)])
    op("Max int32", "Max", [Ints(3, 4, dtype=np.int32), Ints(4, dtype=np.int32)])
    op("Min one input", "Min", [U(2, 3)])
    op("Min three inputs broadcast", "Min", [U(2, 3, 4), U(4), U(3, 1)])
    op("Min int64", "Min", [Ints(3, 4), Ints(3, 4)])
    op("Sum one input", "Sum", [U(2, 3)])
    op("Sum three inputs broadcast", "Sum", [U(2, 3, 4), U(3, 4), U(4)])
    op("Mean one input", "Mean", [U(2, 3)])
    op("Mean two inputs", "Mean", [U(2, 3), U(2, 3)])
    op("Mean three inputs broadcast", "Mean", [U(2, 3, 4), U(4), U(3, 1)])
    op("Pow float exponent", "Pow", [U(2, 3, 4, lo=0.1, hi=2.0), U(4, lo=-2.0, hi=2.0)])
    op("Pow int64 exponent initializer (x^3)", "Pow", [U(2, 3, lo=-2.0, hi=2.0), i64(3)])
    op("Pow int64 exponent tensor", "Pow", [U(3, 4, lo=-2.0, hi=2.0), Ints(4, lo=0, hi=4)])
    op("Pow int32 exponent initializer (x^2)", "Pow", [U(3, 4, lo=-2.0, hi=2.0), W(np.array([2], np.int32))])
    op("Pow float scalar exponent 0.5", "Pow", [U(3, 4, lo=0.1, hi=4.0), f32(0.5)])
    op("Pow int64 base and exponent", "Pow", [Ints(3, 4, lo=-3, hi=4), Ints(4, lo=0, hi=4)])
    op("Where broadcast", "Where", [Bools(2, 3, 4), U(2, 3, 4), U(4)])
    op("Where int64", "Where", [Bools(3, 4), Ints(3, 4), Ints(3, 1)])
    op("Where condition broadcast", "Where", [Bools(4), U(3, 4), U(3, 4)])
    op("PRelu slope [C,1,1]", "PRelu", [U(2, 3, 4, 4), W(U(3, 1, 1))])
    op("PRelu slope [1]", "PRelu", [U(2, 3, 4), W(U(1))])
    op("PRelu slope tensor [4]", "PRelu", [U(2, 3, 4), U(4)])

    # --- activations ---------------------------------------------------------------------------
    x = U(2, 3, 4, 5, lo=-4.0, hi=4.0)
    op("Relu", "Relu", [x])
    op("Sigmoid", "Sigmoid", [x])
    op("Tanh", "Tanh", [x])
    op("Softsign", "Softsign", [x])
    op("Softplus", "Softplus", [x])
    op("LeakyRelu default alpha", "LeakyRelu", [x])
    op("LeakyRelu alpha=0.2", "LeakyRelu", [x], alpha=0.2)
    op("Elu default alpha", "Elu", [x])
    op("Elu alpha=0.5", "Elu", [x], alpha=0.5)
    op("Selu default", "Selu", [x])
    op("Selu alpha=1.5 gamma=2", "Selu", [x], alpha=1.5, gamma=2.0)
    op("ThresholdedRelu default alpha", "ThresholdedRelu", [x])
    op("ThresholdedRelu alpha=0.3", "ThresholdedRelu", [x], alpha=0.3)
    op("HardSigmoid default", "HardSigmoid", [x])
    op("HardSigmoid alpha=0.3 beta=0.4", "HardSigmoid", [x], alpha=0.3, beta=0.4)
    op("HardSwish", "HardSwish", [x])
    op("Gelu opset 20 approximate=none", "Gelu", [x], opset=20)
    op("Gelu opset 20 approximate=tanh", "Gelu", [x], opset=20, approximate="tanh")
    x = U(3, 4, lo=-2.0, hi=2.0)
    op("Clip opset 9 min/max attributes", "Clip", [x], opset=9, min=-0.5, max=0.7)
    op("Clip opset 9 min attribute only", "Clip", [x], opset=9, min=-0.3)
    op("Clip opset 9 no attributes", "Clip", [x], opset=9)
    op("Clip opset 11 constant min/max", "Clip", [x, W(np.float32(-0.5)), W(np.float32(0.6))], opset=11)
    op("Clip opset 13 constant min only", "Clip", [x, W(np.float32(-0.4))], opset=13)
    op("Clip opset 13 constant max only", "Clip", [x, None, W(np.float32(0.4))], opset=13)
    op("Clip opset 13 no bounds", "Clip", [x], opset=13)
    op("Clip opset 13 int32 constant bounds", "Clip", [Ints(3, 4, lo=-10, hi=10, dtype=np.int32),
                                                       W(np.int32(-3)), W(np.int32(4))], opset=13)
    case("Clip opset 13 bounds computed by the graph",
         [node("ReduceMin", ["lo_src"], ["lo"], keepdims=0), node("ReduceMax", ["hi_src"], ["hi"], keepdims=0),
          node("Clip", ["x", "lo", "hi"], ["y"])],
         {"x": U(3, 4, lo=-2.0, hi=2.0), "lo_src": U(3, lo=-1.0, hi=0.0), "hi_src": U(3, lo=0.0, hi=1.0)}, ["y"],
         opset=13)

    # --- one-input math ------------------------------------------------------------------------
    unary = [("Exp", U(3, 4, lo=-3, hi=3)), ("Log", U(3, 4, lo=0.01, hi=10)), ("Sqrt", U(3, 4, lo=0.01, hi=10)),
             ("Reciprocal", Away(3, 4, lo=0.1, hi=3)), ("Abs", U(3, 4, lo=-3, hi=3)), ("Neg", U(3, 4, lo=-3, hi=3)),
             ("Sin", U(3, 4, lo=-4, hi=4)), ("Cos", U(3, 4, lo=-4, hi=4)), ("Tan", U(3, 4, lo=-1.3, hi=1.3)),
             ("Sinh", U(3, 4, lo=-3, hi=3)), ("Cosh", U(3, 4, lo=-3, hi=3)), ("Asin", U(3, 4, lo=-0.99, hi=0.99)),
             ("Acos", U(3, 4, lo=-0.99, hi=0.99)), ("Atan", U(3, 4, lo=-5, hi=5)), ("Asinh", U(3, 4, lo=-5, hi=5)),
             ("Acosh", U(3, 4, lo=1.01, hi=10)), ("Atanh", U(3, 4, lo=-0.99, hi=0.99)), ("Ceil", Halves(3, 4)),
             ("Floor", Halves(3, 4)), ("Round", Halves(4, 5)), ("Erf", U(3, 4, lo=-3, hi=3)),
             ("Sign", WithZeros(3, 4)), ("Not", Bools(3, 4)), ("IsNaN", Special(3, 4)), ("IsInf", Special(3, 4))]
    for name, gen in unary:
        op(name, name, [gen])
    op("Abs int64", "Abs", [Ints(3, 4, lo=-50, hi=50)])
    op("Abs int32", "Abs", [Ints(3, 4, lo=-50, hi=50, dtype=np.int32)])
    op("Neg int64", "Neg", [Ints(3, 4, lo=-50, hi=50)])
    op("Neg int32", "Neg", [Ints(3, 4, lo=-50, hi=50, dtype=np.int32)])
    op("Sign int32", "Sign", [Ints(3, 4, lo=-3, hi=4, dtype=np.int32)])

    # --- Softmax, LogSoftmax -------------------------------------------------------------------
    x3 = U(2, 3, 5, lo=-3, hi=3)
    op("Softmax opset 13 axis=-1", "Softmax", [x3], opset=13)
    op("Softmax opset 13 axis=1 rank 3", "Softmax", [x3], opset=13, axis=1)
    op("Softmax opset 13 axis=0", "Softmax", [x3], opset=13, axis=0)
    op("Softmax opset 11 axis=1 rank 3 (coerced 2-D)", "Softmax", [x3], opset=11, axis=1)
    op("Softmax opset 11 default axis rank 4", "Softmax", [U(2, 3, 4, 5, lo=-3, hi=3)], opset=11)
    op("Softmax opset 11 axis=0 rank 3", "Softmax", [x3], opset=11, axis=0)
    op("Softmax opset 11 axis=-1 rank 3", "Softmax", [x3], opset=11, axis=-1)
    op("Softmax opset 11 default axis rank 2", "Softmax", [U(4, 6, lo=-3, hi=3)], opset=11)
    op("LogSoftmax opset 13 axis=-1", "LogSoftmax", [x3], opset=13)
    op("LogSoftmax opset 13 axis=1", "LogSoftmax", [x3], opset=13, axis=1)
    op("LogSoftmax opset 11 axis=1 rank 3 (coerced 2-D)", "LogSoftmax", [x3], opset=11, axis=1)
    op("Softmax opset 11 axis=1 dynamic batch", "Softmax", [x3], opset=11, axis=1,
       dynamic={"in0": (["N", 3, 5], [1, 3, 5], [4, 3, 5])})
    op("Softmax opset 13 axis=-1 dynamic", "Softmax", [U(3, 7, lo=-3, hi=3)], opset=13,
       dynamic={"in0": (["N", "T"], [1, 1], [4, 9])})

    # --- normalization -------------------------------------------------------------------------
    def bn_params(c):
        return [W(U(c, lo=0.5, hi=1.5)), W(U(c)), W(U(c)), W(U(c, lo=0.5, hi=2.0))]

    op("BatchNormalization rank 4", "BatchNormalization", [U(2, 3, 4, 5, lo=-2, hi=2)] + bn_params(3), opset=15)
    op("BatchNormalization rank 3 epsilon=1e-3", "BatchNormalization", [U(2, 4, 6, lo=-2, hi=2)] + bn_params(4),
       opset=15, epsilon=1e-3)
    op("BatchNormalization rank 2", "BatchNormalization", [U(3, 5, lo=-2, hi=2)] + bn_params(5), opset=15)
    op("BatchNormalization opset 9", "BatchNormalization", [U(1, 3, 4, 4, lo=-2, hi=2)] + bn_params(3), opset=9)
    op("LayerNormalization axis=-1", "LayerNormalization", [U(2, 3, 6, lo=-2, hi=2), W(U(6, lo=0.5, hi=1.5)), W(U(6))])
    op("LayerNormalization axis=-2", "LayerNormalization",
       [U(2, 3, 4, 5, lo=-2, hi=2), W(U(4, 5, lo=0.5, hi=1.5)), W(U(4, 5))], axis=-2)
    op("LayerNormalization axis=1 epsilon=1e-3", "LayerNormalization",
       [U(2, 3, 4, lo=-2, hi=2), W(U(3, 4, lo=0.5, hi=1.5)), W(U(3, 4))], axis=1, epsilon=1e-3)
    op("LayerNormalization no bias", "LayerNormalization", [U(2, 3, 6, lo=-2, hi=2), W(U(6, lo=0.5, hi=1.5))])
    op("LayerNormalization scale and bias as tensors", "LayerNormalization",
       [U(2, 3, 6, lo=-2, hi=2), U(6, lo=0.5, hi=1.5), U(6)])
    op("InstanceNormalization rank 4", "InstanceNormalization",
       [U(2, 3, 4, 5, lo=-2, hi=2), W(U(3, lo=0.5, hi=1.5)), W(U(3))])
    op("InstanceNormalization rank 3 epsilon=1e-3", "InstanceNormalization",
       [U(2, 4, 7, lo=-2, hi=2), W(U(4, lo=0.5, hi=1.5)), W(U(4))], epsilon=1e-3)

    # --- pooling -------------------------------------------------------------------------------
    x = U(1, 2, 7, 8, lo=-2, hi=2)
    op("MaxPool k3 s2 pads 1", "MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    op("MaxPool k2 s2 ceil_mode=1", "MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)
    op("MaxPool k3 asymmetric pads", "MaxPool", [x], kernel_shape=[3, 2], pads=[0, 1, 2, 0])
    op("MaxPool auto_pad SAME_UPPER k3 s2", "MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")
    op("MaxPool auto_pad SAME_LOWER k2 s1", "MaxPool", [x], kernel_shape=[2, 2], auto_pad="SAME_LOWER")
    op("MaxPool auto_pad VALID k3 s2", "MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], auto_pad="VALID")
    op("MaxPool 1-D k3 s2 pads 1", "MaxPool", [U(2, 3, 9)], kernel_shape=[3], strides=[2], pads=[1, 1])
    op("MaxPool 3-D k2 s2", "MaxPool", [U(1, 2, 4, 5, 6)], kernel_shape=[2, 2, 2], strides=[2, 2, 2])
    op("AveragePool k3 s2 pads 1 count_include_pad=0", "AveragePool", [x], kernel_shape=[3, 3], strides=[2, 2],
       pads=[1, 1, 1, 1], count_include_pad=0)
    op("AveragePool k3 s2 pads 1 count_include_pad=1", "AveragePool", [x], kernel_shape=[3, 3], strides=[2, 2],
       pads=[1, 1, 1, 1], count_include_pad=1)
    op("AveragePool k3 asymmetric pads count_include_pad=1", "AveragePool", [x], kernel_shape=[3, 3],
       pads=[0, 1, 2, 1], count_include_pad=1)
    op("AveragePool k2 s2 ceil_mode=1 count_include_pad=0", "AveragePool", [x], kernel_shape=[2, 2], strides=[2, 2],
       ceil_mode=1)
    op("AveragePool k3 s2 ceil_mode=1 pads 1 count_include_pad=1", "AveragePool", [x], kernel_shape=[3, 3],
       strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1, count_include_pad=1)
    op("AveragePool auto_pad SAME_UPPER k3 s2", "AveragePool", [x], kernel_shape=[3, 3], strides=[2, 2],
       auto_pad="SAME_UPPER")
    op("AveragePool auto_pad SAME_UPPER k3 s2 count_include_pad=1", "AveragePool", [x], kernel_shape=[3, 3],
       strides=[2, 2], auto_pad="SAME_UPPER", count_include_pad=1)
    op("AveragePool 1-D k2", "AveragePool", [U(2, 3, 9)], kernel_shape=[2])
    op("GlobalAveragePool rank 4", "GlobalAveragePool", [U(2, 3, 4, 5)])
    op("GlobalAveragePool rank 3", "GlobalAveragePool", [U(2, 3, 7)])
    op("GlobalMaxPool rank 4", "GlobalMaxPool", [U(2, 3, 4, 5)])
    op("GlobalMaxPool rank 5", "GlobalMaxPool", [U(1, 2, 3, 4, 5)])

    # --- Resize and Upsample -------------------------------------------------------------------
    x = U(1, 2, 4, 5, lo=-2, hi=2)
    op("Resize opset 10 nearest scales 2x2", "Resize", [x, f32(1, 1, 2, 2)], opset=10)
    op("Resize opset 10 linear scales 2x3", "Resize", [x, f32(1, 1, 2, 3)], opset=10, mode="linear")
    op("Resize opset 10 nearest downscale 0.5", "Resize", [U(1, 2, 8, 6), f32(1, 1, 0.5, 0.5)], opset=10)
    op("Resize opset 10 nearest scales 2x3", "Resize", [x, f32(1, 1, 2, 3)], opset=10)
    op("Resize opset 10 nearest downscale 0.6", "Resize", [U(1, 2, 5, 10), f32(1, 1, 0.6, 0.6)], opset=10)
    for coord in ("half_pixel", "pytorch_half_pixel", "asymmetric", "align_corners"):
        op(f"Resize opset 13 nearest {coord} scales 2x2", "Resize", [x, None, f32(1, 1, 2, 2)], opset=13,
           coordinate_transformation_mode=coord)
        op(f"Resize opset 13 nearest {coord} sizes 7x9", "Resize", [x, None, None, i64(1, 2, 7, 9)], opset=13,
           coordinate_transformation_mode=coord)
        op(f"Resize opset 13 linear {coord} scales 2x2", "Resize", [x, None, f32(1, 1, 2, 2)], opset=13,
           mode="linear", coordinate_transformation_mode=coord)
        op(f"Resize opset 13 linear {coord} sizes 7x9", "Resize", [x, None, None, i64(1, 2, 7, 9)], opset=13,
           mode="linear", coordinate_transformation_mode=coord)
    for nearest in ("round_prefer_floor", "round_prefer_ceil", "floor", "ceil"):
        op(f"Resize opset 13 nearest_mode={nearest} asymmetric sizes 7x9", "Resize", [x, None, None, i64(1, 2, 7, 9)],
           opset=13, coordinate_transformation_mode="asymmetric", nearest_mode=nearest)
        op(f"Resize opset 13 nearest_mode={nearest} half_pixel scales 1.5x1.6", "Resize",
           [x, None, f32(1, 1, 1.5, 1.6)], opset=13, nearest_mode=nearest)
    op("Resize opset 13 linear half_pixel downscale 0.5", "Resize", [U(1, 2, 8, 6), None, f32(1, 1, 0.5, 0.5)],
       opset=13, mode="linear")
    op("Resize opset 13 linear half_pixel scales 1.5x0.7", "Resize", [U(1, 2, 6, 10), None, f32(1, 1, 1.5, 0.7)],
       opset=13, mode="linear")
    op("Resize opset 13 linear pytorch_half_pixel sizes 1x6", "Resize", [x, None, None, i64(1, 2, 1, 6)], opset=13,
       mode="linear", coordinate_transformation_mode="pytorch_half_pixel")
    op("Resize opset 13 cubic half_pixel scales 2x2", "Resize", [x, None, f32(1, 1, 2, 2)], opset=13, mode="cubic")
    op("Resize opset 13 cubic a=-0.5 exclude_outside=1", "Resize", [x, None, f32(1, 1, 2, 2)], opset=13,
       mode="cubic", cubic_coeff_a=-0.5, exclude_outside=1)
    op("Resize opset 13 cubic align_corners sizes 7x9", "Resize", [x, None, None, i64(1, 2, 7, 9)], opset=13,
       mode="cubic", coordinate_transformation_mode="align_corners")
    op("Resize opset 11 nearest empty roi and scales, sizes", "Resize",
       [x, W(np.zeros([0], np.float32)), W(np.zeros([0], np.float32)), i64(1, 2, 8, 10)], opset=11,
       coordinate_transformation_mode="asymmetric", nearest_mode="floor")
    op("Resize opset 11 linear empty roi, scales", "Resize", [x, W(np.zeros([0], np.float32)), f32(1, 1, 2, 2)],
       opset=11, mode="linear")
    op("Resize opset 18 linear scales dynamic batch", "Resize", [U(2, 2, 4, 5), None, f32(1, 1, 2, 2)], opset=18,
       mode="linear",
       dynamic={"in0": (["N", 2, 4, 5], [1, 2, 4, 5], [3, 2, 4, 5])})
    op("Resize opset 18 axes [3, 2] scales", "Resize", [U(1, 2, 4, 5), None, f32(2, 1.5)], opset=18,
       axes=[3, 2], mode="linear")
    op("Resize opset 18 axes [-1] sizes", "Resize", [U(1, 2, 4, 5), None, None, i64(8)], opset=18, axes=[-1])
    op("Resize opset 18 not_larger sizes", "Resize", [U(1, 2, 4, 6), None, None, i64(8, 9)], opset=18,
       axes=[2, 3], keep_aspect_ratio_policy="not_larger")
    op("Resize opset 18 not_smaller sizes", "Resize", [U(1, 2, 4, 6), None, None, i64(6, 8)], opset=18,
       axes=[2, 3], keep_aspect_ratio_policy="not_smaller", mode="linear")
    case("Resize opset 13 sizes computed from Shape (dynamic)",
         [node("Shape", ["x"], ["s"]),
          node("Slice", ["s", "zero", "two"], ["nc"]), node("Concat", ["nc", "hw"], ["sizes"], axis=0),
          node("Resize", ["x", "", "", "sizes"], ["y"], mode="linear")],
         {"x": U(2, 2, 4, 5)}, ["y"], {"zero": i64(0), "two": i64(2), "hw": i64(6, 7)}, opset=13,
         dynamic={"x": (["N", 2, "H", "W"], [1, 2, 2, 2], [3, 2, 8, 8])})
    op("Upsample opset 9 nearest scales 2x2", "Upsample", [x, f32(1, 1, 2, 2)], opset=9)
    op("Upsample opset 9 nearest scales 1x3", "Upsample", [x, f32(1, 1, 1, 3)], opset=9, mode="nearest")
    op("Upsample opset 9 nearest scales 3x2.5", "Upsample", [x, f32(1, 1, 3, 2.5)], opset=9)
    op("Upsample opset 9 linear scales 2x2", "Upsample", [x, f32(1, 1, 2, 2)], opset=9, mode="linear")

    # --- reductions ----------------------------------------------------------------------------
    reductions = {"ReduceSum": U(2, 3, 4), "ReduceMean": U(2, 3, 4), "ReduceMax": U(2, 3, 4),
                  "ReduceMin": U(2, 3, 4), "ReduceProd": U(2, 3, 4, lo=0.5, hi=1.5),
                  "ReduceSumSquare": U(2, 3, 4), "ReduceL1": U(2, 3, 4), "ReduceL2": U(2, 3, 4),
                  "ReduceLogSum": U(2, 3, 4, lo=0.1, hi=2.0), "ReduceLogSumExp": U(2, 3, 4, lo=-3, hi=3)}
    for name, gen in reductions.items():
        attr_opset = 11 if name == "ReduceSum" else 13
        input_opset = 13 if name == "ReduceSum" else 18
        op(f"{name} opset {attr_opset} axes=[1] attribute", name, [gen], opset=attr_opset, axes=[1])
        op(f"{name} opset {attr_opset} axes=[0,-1] keepdims=0 attribute", name, [gen], opset=attr_opset,
           axes=[0, -1], keepdims=0)
        op(f"{name} opset {input_opset} axes=[-1] input keepdims=0", name, [gen, i64(-1)], opset=input_opset,
           keepdims=0)
        op(f"{name} opset {input_opset} axes=[0,2] input", name, [gen, i64(0, 2)], opset=input_opset)
        op(f"{name} opset {input_opset} no axes (all)", name, [gen], opset=input_opset)
    op("ReduceMean opset 13 no axes attribute keepdims=0", "ReduceMean", [U(2, 3, 4)], opset=13, keepdims=0)
    op("ReduceSum opset 13 noop_with_empty_axes=1", "ReduceSum", [U(2, 3, 4)], opset=13, noop_with_empty_axes=1)
    op("ReduceMax opset 18 noop_with_empty_axes=1", "ReduceMax", [U(2, 3, 4)], opset=18, noop_with_empty_axes=1)
    op("ReduceSum opset 13 int64", "ReduceSum", [Ints(2, 3, 4, lo=-50, hi=50), i64(1)], opset=13)
    op("ReduceMax opset 18 int32", "ReduceMax", [Ints(2, 3, 4, lo=-50, hi=50, dtype=np.int32), i64(2)], opset=18,
       keepdims=0)
    op("ReduceMean opset 18 dynamic axis 1", "ReduceMean", [U(2, 5, 4), i64(1)], opset=18,
       dynamic={"in0": (["N", "T", 4], [1, 1, 4], [4, 8, 4])})
    x = U(3, 4, 5)
    op("ArgMax axis=1 keepdims=1", "ArgMax", [x], axis=1)
    op("ArgMax axis=-1 keepdims=0", "ArgMax", [x], axis=-1, keepdims=0)
    op("ArgMax default axis keepdims=0", "ArgMax", [x], keepdims=0)
    op("ArgMin axis=0 keepdims=1", "ArgMin", [x], axis=0)
    op("ArgMin axis=2 keepdims=0", "ArgMin", [x], axis=2, keepdims=0)
    op("ArgMax ties take the first index", "ArgMax", [Grid(4, 6, values=(0.0, 1.0, 2.0))], axis=1)
    op("ArgMin ties take the first index", "ArgMin", [Grid(4, 6, values=(0.0, 1.0, 2.0))], axis=1, keepdims=0)
    op("ArgMax int32", "ArgMax", [Ints(3, 7, lo=-1000, hi=1000, dtype=np.int32)], axis=1)
    op("ArgMax select_last_index ties", "ArgMax", [Grid(4, 6, values=(0.0, 1.0, 2.0))], axis=1,
       select_last_index=1)
    op("ArgMin select_last_index ties keepdims=0 axis=-1", "ArgMin", [Grid(3, 4, 5, values=(0.0, 1.0))], axis=-1,
       keepdims=0, select_last_index=1)
    op("ArgMax select_last_index dynamic axis", "ArgMax", [Grid(2, 5, values=(0.0, 1.0))], axis=1,
       select_last_index=1, dynamic={"in0": ([2, "T"], [2, 1], [2, 9])})

    # --- MatMul, Gemm --------------------------------------------------------------------------
    op("MatMul 2-D", "MatMul", [U(3, 4), U(4, 5)])
    op("MatMul broadcast batch [2,1,3,4]x[5,4,6]", "MatMul", [U(2, 1, 3, 4), U(5, 4, 6)])
    op("MatMul batch [2,3,4]x[4,5] initializer", "MatMul", [U(2, 3, 4), W(U(4, 5))])
    op("MatMul batch [2,3,4]x[2,4,5]", "MatMul", [U(2, 3, 4), U(2, 4, 5)])
    op("MatMul 1-D lhs [4]x[2,4,5]", "MatMul", [U(4), U(2, 4, 5)])
    op("MatMul 1-D rhs [2,3,4]x[4]", "MatMul", [U(2, 3, 4), U(4)])
    op("MatMul 1-D both [6]x[6]", "MatMul", [U(6), U(6)])
    op("MatMul 1-D lhs [4]x[4,3]", "MatMul", [U(4), U(4, 3)])
    op("Gemm default C [5]", "Gemm", [U(3, 4), U(4, 5), U(5)])
    op("Gemm transA", "Gemm", [U(4, 3), U(4, 5), U(5)], transA=1)
    op("Gemm transB initializers (FC)", "Gemm", [U(3, 4), W(U(5, 4)), W(U(5))], transB=1)
    op("Gemm transA transB", "Gemm", [U(4, 3), U(5, 4), U(3, 5)], transA=1, transB=1)
    op("Gemm alpha=0.5 beta=2 C [3,1]", "Gemm", [U(3, 4), U(4, 5), U(3, 1)], alpha=0.5, beta=2.0)
    op("Gemm C [1,5] beta=-1.5", "Gemm", [U(3, 4), U(4, 5), U(1, 5)], beta=-1.5)
    op("Gemm C scalar initializer", "Gemm", [U(3, 4), U(4, 5), W(np.float32(0.75))])
    op("Gemm C [3,5] alpha=2", "Gemm", [U(3, 4), U(4, 5), U(3, 5)], alpha=2.0)
    op("Gemm no C", "Gemm", [U(3, 4), U(4, 5)], alpha=1.5)
    op("Gemm beta=0 ignores C", "Gemm", [U(3, 4), U(4, 5), U(5)], beta=0.0)

    # --- Conv, ConvTranspose -------------------------------------------------------------------
    x = U(1, 4, 7, 8)
    op("Conv 3x3 pads 1 bias", "Conv", [x, W(U(6, 4, 3, 3)), W(U(6))], pads=[1, 1, 1, 1])
    op("Conv 3x3 no pads no bias batch 2", "Conv", [U(2, 4, 7, 8), W(U(6, 4, 3, 3))])
    op("Conv asymmetric pads [1,0,2,1]", "Conv", [x, W(U(5, 4, 3, 3)), W(U(5))], pads=[1, 0, 2, 1])
    op("Conv strides 2 pads 1", "Conv", [x, W(U(6, 4, 3, 3)), W(U(6))], strides=[2, 2], pads=[1, 1, 1, 1])
    op("Conv strides [2,1] kernel 3x2", "Conv", [x, W(U(3, 4, 3, 2))], strides=[2, 1], kernel_shape=[3, 2])
    op("Conv dilations 2 pads 2", "Conv", [x, W(U(6, 4, 3, 3)), W(U(6))], dilations=[2, 2], pads=[2, 2, 2, 2])
    op("Conv dilations [2,1]", "Conv", [x, W(U(3, 4, 3, 3))], dilations=[2, 1])
    op("Conv group 2", "Conv", [x, W(U(6, 2, 3, 3)), W(U(6))], group=2, pads=[1, 1, 1, 1])
    op("Conv depthwise group 4", "Conv", [x, W(U(4, 1, 3, 3)), W(U(4))], group=4, pads=[1, 1, 1, 1])
    op("Conv depthwise multiplier 2 group 4 strides 2", "Conv", [x, W(U(8, 1, 3, 3))], group=4, strides=[2, 2])
    op("Conv auto_pad SAME_UPPER strides 2", "Conv", [x, W(U(6, 4, 3, 3)), W(U(6))], auto_pad="SAME_UPPER",
       strides=[2, 2])
    op("Conv auto_pad SAME_UPPER kernel 4 (odd total pad)", "Conv", [x, W(U(3, 4, 4, 4))], auto_pad="SAME_UPPER")
    op("Conv auto_pad SAME_LOWER kernel 4", "Conv", [x, W(U(3, 4, 4, 4))], auto_pad="SAME_LOWER")
    op("Conv auto_pad SAME_LOWER strides 2", "Conv", [x, W(U(6, 4, 3, 3))], auto_pad="SAME_LOWER", strides=[2, 2])
    op("Conv auto_pad VALID strides 2", "Conv", [x, W(U(6, 4, 3, 3))], auto_pad="VALID", strides=[2, 2])
    op("Conv 1x1", "Conv", [x, W(U(5, 4, 1, 1)), W(U(5))])
    op("Conv 1-D strides 2 pads 1", "Conv", [U(2, 3, 10), W(U(4, 3, 3)), W(U(4))], strides=[2], pads=[1, 1])
    op("Conv 3-D", "Conv", [U(1, 2, 4, 5, 6), W(U(3, 2, 2, 3, 3)), W(U(3))], pads=[0, 1, 1, 1, 0, 1])
    op("Conv dynamic batch", "Conv", [U(3, 4, 7, 8), W(U(6, 4, 3, 3)), W(U(6))], pads=[1, 1, 1, 1],
       dynamic={"in0": (["N", 4, 7, 8], [1, 4, 7, 8], [4, 4, 7, 8])})
    x = U(1, 4, 5, 5)
    op("ConvTranspose stride 1 bias", "ConvTranspose", [x, W(U(4, 3, 3, 3)), W(U(3))])
    op("ConvTranspose stride 2 pads 1 output_padding 1", "ConvTranspose", [x, W(U(4, 3, 3, 3)), W(U(3))],
       strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])
    op("ConvTranspose stride 2 output_padding [1,0]", "ConvTranspose", [x, W(U(4, 2, 3, 3))], strides=[2, 2],
       output_padding=[1, 0])
    op("ConvTranspose stride 2 kernel 2", "ConvTranspose", [x, W(U(4, 3, 2, 2)), W(U(3))], strides=[2, 2])
    op("ConvTranspose stride 3 kernel 3 pads [1,0,0,1]", "ConvTranspose", [x, W(U(4, 2, 3, 3))], strides=[3, 3],
       pads=[1, 0, 0, 1])
    op("ConvTranspose group 2", "ConvTranspose", [x, W(U(4, 3, 3, 3)), W(U(6))], group=2, strides=[2, 2])
    op("ConvTranspose dilations 2", "ConvTranspose", [x, W(U(4, 2, 3, 3))], dilations=[2, 2])
    op("ConvTranspose auto_pad SAME_UPPER stride 2", "ConvTranspose", [x, W(U(4, 3, 3, 3))], strides=[2, 2],
       auto_pad="SAME_UPPER")
    op("ConvTranspose 1-D stride 2 output_padding 1", "ConvTranspose", [U(2, 3, 6), W(U(3, 4, 3)), W(U(4))],
       strides=[2], pads=[1, 1], output_padding=[1])

    # --- Gather, Concat, Expand, TopK ----------------------------------------------------------
    data = U(5, 4, 3)
    op("Gather axis 0 negative constant indices", "Gather", [data, i64(-1, 0, 2, -5)], axis=0)
    op("Gather axis 1 negative constant scalar index", "Gather", [data, W(np.array(-2, np.int64))], axis=1)
    op("Gather axis -1 constant 2-D indices", "Gather", [data, W(np.array([[0, 2], [1, -1]], np.int64))], axis=-1)
    op("Gather axis 2 tensor of indices", "Gather", [data, Ints(2, 2, lo=0, hi=3)], axis=2)
    op("Gather axis 0 tensor of indices int32", "Gather", [data, Ints(4, lo=0, hi=5, dtype=np.int32)], axis=0)
    op("Gather axis 1 tensor of indices with negatives", "Gather", [data, Ints(3, lo=-4, hi=4)], axis=1)
    op("Gather int64 data int32 constant indices", "Gather",
       [Ints(4, 3, lo=-100, hi=100), W(np.array([2, -1], np.int32))], axis=0)
    op("Gather dynamic data constant indices", "Gather", [U(3, 6), i64(-1, 1)], axis=1,
       dynamic={"in0": (["N", "M"], [1, 2], [4, 8])})
    case("Gather of Shape (dynamic)", [node("Shape", ["x"], ["s"]), node("Gather", ["s", "i"], ["y"], axis=0)],
         {"x": U(3, 4, 5)}, ["y"], {"i": W(np.array([0, -1], np.int64))},
         dynamic={"x": (["N", 4, "T"], [1, 4, 1], [4, 4, 8])})
    op("Concat axis 1 three inputs", "Concat", [U(2, 1, 3), U(2, 4, 3), U(2, 2, 3)], axis=1)
    op("Concat axis -1", "Concat", [U(2, 3, 2), U(2, 3, 5)], axis=-1)
    op("Concat tensor and initializer", "Concat", [U(2, 3), W(U(1, 3))], axis=0)
    op("Concat int64", "Concat", [Ints(2, 3), Ints(2, 1)], axis=1)
    op("Concat one input", "Concat", [U(2, 3)], axis=0)
    case("Concat of initializers (folded)", [node("Concat", ["a", "b"], ["c"], axis=1), node("Add", ["x", "c"], ["y"])],
         {"x": U(2, 5)}, ["y"], {"a": W(U(2, 2)), "b": W(U(2, 3))})
    op("Concat dynamic axis 0", "Concat", [U(3, 4), U(2, 4)], axis=0,
       dynamic={"in0": (["A", 4], [1, 4], [5, 4]), "in1": (["B", 4], [1, 4], [5, 4])})
    # Nodes on constants fold at import: the float arithmetic that computes Tile's repeats
    # (as a Loop's trip count is computed in Range's function body).
    case("Tile by repeats computed from float constants",
         [node("Div", ["a", "b"], ["q"]), node("Ceil", ["q"], ["c"]), node("Cast", ["c"], ["r"], to=TensorProto.INT64),
          node("Tile", ["x", "r"], ["y"])],
         {"x": U(2, 3)}, ["y"], inits={"a": f32(3.0, 2.5), "b": f32(2.0, 2.0)})
    op("Tile [2,3] by [2,3]", "Tile", [U(2, 3), i64(2, 3)])
    op("Tile [2,1,3] by [1,4,0] (an empty axis)", "Tile", [U(2, 1, 3), i64(1, 4, 0)])
    op("Tile int64 [3] by [2]", "Tile", [Ints(3), i64(2)])
    op("Tile dynamic batch", "Tile", [U(2, 3, 2), i64(2, 1, 3)],
       dynamic={"in0": (["N", 3, 2], [1, 3, 2], [4, 3, 2])})
    op("Expand [3,1] to [2,3,4]", "Expand", [U(3, 1), i64(2, 3, 4)])
    op("Expand [1,3,1] to [2,1,4]", "Expand", [U(1, 3, 1), i64(2, 1, 4)])
    op("Expand [2,3] to shape [3] of lower rank", "Expand", [U(2, 3), i64(3)])
    op("Expand [2,1] to shape [1,1] (no-op)", "Expand", [U(2, 1), i64(1, 1)])
    op("Expand int64", "Expand", [Ints(1, 3), i64(4, 3)])
    op("Expand bool", "Expand", [Bools(3, 1), i64(3, 4)])
    op("Expand shape tensor input", "Expand", [U(3, 1), Ints(2, lo=1, hi=2)])
    case("Expand to Shape of a dynamic input",
         [node("Shape", ["y"], ["s"]), node("Expand", ["x", "s"], ["z"])],
         {"x": U(3, 1), "y": U(2, 3, 4)}, ["z"], dynamic={"y": (["N", 3, "T"], [1, 3, 1], [4, 3, 6])})
    # The shape arithmetic of LayerNormalization's function body: a ConstantOfShape whose length
    # is computed from the rank must keep its values for the Reshape after it.
    case("Reshape to Concat(Slice(Shape), ConstantOfShape(Size - 1))",
         [node("Shape", ["x"], ["s"]), node("Size", ["s"], ["rank"]),
          node("Constant", [], ["one"], value=tensor_attr([1], np.int64)),
          node("Constant", [], ["zero"], value=tensor_attr([0], np.int64)),
          node("Sub", ["rank", "one"], ["n"]),
          node("ConstantOfShape", ["n"], ["ones"], value=tensor_attr([1], np.int64)),
          node("Slice", ["s", "zero", "one"], ["prefix"]),
          node("Concat", ["prefix", "ones"], ["shape"], axis=0),
          node("ReduceMean", ["x"], ["m"], axes=[1, 2], keepdims=0),
          node("Reshape", ["m", "shape"], ["y"])],
         {"x": U(3, 4, 5)}, ["y"], opset=13, dynamic={"x": (["N", 4, 5], [1, 4, 5], [6, 4, 5])})
    op("Expand dynamic input to constant shape", "Expand", [U(2, 1, 4), i64(3, 4)],
       dynamic={"in0": (["N", 1, 4], [1, 1, 4], [4, 1, 4])})
    x = U(3, 6)
    op("TopK K initializer axis -1", "TopK", [x, i64(3)], n_out=2)
    op("TopK largest=0", "TopK", [x, i64(2)], n_out=2, largest=0)
    op("TopK axis 0", "TopK", [x, i64(2)], n_out=2, axis=0)
    op("TopK K = axis size", "TopK", [U(2, 3, 5), i64(5)], n_out=2, axis=2)
    op("TopK opset 9 k attribute", "TopK", [x], opset=9, n_out=2, k=4)
    op("TopK opset 10 K initializer", "TopK", [x, i64(2)], opset=10, n_out=2, axis=1)

    # --- Shape, Size, Reshape, Flatten, Transpose, Squeeze, Unsqueeze ---------------------------
    op("Shape", "Shape", [U(2, 3, 4)])
    op("Shape start=1", "Shape", [U(2, 3, 4)], start=1)
    op("Shape start=-2 end=-1", "Shape", [U(2, 3, 4, 5)], start=-2, end=-1)
    op("Shape end=10 (clamped)", "Shape", [U(2, 3, 4)], start=1, end=10)
    op("Shape dynamic", "Shape", [U(3, 4, 5)], dynamic={"in0": (["N", 4, "T"], [1, 4, 1], [4, 4, 8])})
    op("Shape dynamic start=1 end=2 (static part)", "Shape", [U(3, 4, 5)], start=1, end=2,
       dynamic={"in0": (["N", 4, "T"], [1, 4, 1], [4, 4, 8])})
    op("Shape dynamic start=-1", "Shape", [U(3, 4, 5)], start=-1,
       dynamic={"in0": (["N", 4, "T"], [1, 4, 1], [4, 4, 8])})
    op("Size", "Size", [U(2, 3, 4)])
    op("Size dynamic", "Size", [U(3, 4, 5)], dynamic={"in0": (["N", 4, "T"], [1, 4, 1], [4, 4, 8])})
    op("Reshape [2,3,4] to [3,-1]", "Reshape", [U(2, 3, 4), i64(3, -1)])
    op("Reshape with 0 (copy) and -1", "Reshape", [U(2, 3, 4), i64(0, -1)])
    op("Reshape to [4,1,6]", "Reshape", [U(2, 3, 4), i64(4, 1, 6)])
    op("Reshape allowzero=1 (no zeros)", "Reshape", [U(2, 3, 4), i64(6, 4)], opset=14, allowzero=1)
    case("Reshape allowzero=1 to a computed shape with a 0",
         [node("Shape", ["x"], ["s"]), node("Mul", ["s", "zero"], ["z"]),
          node("Reshape", ["e", "z"], ["y"], allowzero=1)],
         {"x": U(2, 3), "e": U(0, 3)}, ["y"], inits={"zero": i64(0, 1)}, opset=14)
    op("Reshape int64", "Reshape", [Ints(2, 6), i64(3, 4)])
    op("Reshape shape tensor input", "Reshape", [U(2, 3, 4), Fixed(np.array([4, -1], np.int64))])
    case("Reshape of an initializer (folded)", [node("Reshape", ["w", "s"], ["r"]), node("Add", ["x", "r"], ["y"])],
         {"x": U(3, 4)}, ["y"], {"w": W(U(2, 6)), "s": i64(3, 4)})
    op("Reshape dynamic [N,3,4] to [0,-1]", "Reshape", [U(3, 3, 4), i64(0, -1)],
       dynamic={"in0": (["N", 3, 4], [1, 3, 4], [4, 3, 4])})
    op("Reshape dynamic [N,3,4] to [-1,4]", "Reshape", [U(3, 3, 4), i64(-1, 4)],
       dynamic={"in0": (["N", 3, 4], [1, 3, 4], [4, 3, 4])})
    op("Reshape dynamic [N,T,4] to [0,0,2,2]", "Reshape", [U(2, 5, 4), i64(0, 0, 2, 2)],
       dynamic={"in0": (["N", "T", 4], [1, 1, 4], [4, 8, 4])})
    case("Reshape dynamic to a shape computed by the graph",
         [node("Shape", ["x"], ["s"]), node("Gather", ["s", "i0"], ["n"], axis=0),
          node("Concat", ["n", "rest"], ["target"], axis=0), node("Reshape", ["x", "target"], ["y"])],
         {"x": U(3, 4, 6)}, ["y"], {"i0": i64(0), "rest": i64(-1, 3)},
         dynamic={"x": (["N", 4, 6], [1, 4, 6], [4, 4, 6])})
    x = U(2, 3, 4, 5)
    op("Flatten axis=0", "Flatten", [x], axis=0)
    op("Flatten axis=1 (default)", "Flatten", [x])
    op("Flatten axis=2", "Flatten", [x], axis=2)
    op("Flatten axis=-1", "Flatten", [x], axis=-1)
    op("Flatten axis=4 (rank)", "Flatten", [x], axis=4)
    op("Flatten int64", "Flatten", [Ints(2, 3, 4)], axis=1)
    op("Flatten dynamic batch axis=1", "Flatten", [U(3, 3, 4)], dynamic={"in0": (["N", 3, 4], [1, 3, 4], [4, 3, 4])})
    op("Flatten dynamic batch axis=0", "Flatten", [U(3, 3, 4)], axis=0,
       dynamic={"in0": (["N", 3, 4], [1, 3, 4], [4, 3, 4])})
    op("Flatten dynamic batch axis=2", "Flatten", [U(3, 3, 4)], axis=2,
       dynamic={"in0": (["N", 3, 4], [1, 3, 4], [4, 3, 4])})
    op("Flatten dynamic both sides axis=2", "Flatten", [U(3, 3, 5)], axis=2,
       dynamic={"in0": (["N", 3, "T"], [1, 3, 1], [4, 3, 8])})
    op("Flatten dynamic both sides axis=1", "Flatten", [U(3, 2, 5, 4)], axis=1,
       dynamic={"in0": (["N", 2, "T", 4], [1, 2, 1, 4], [4, 2, 8, 4])})
    op("Transpose perm [0,2,3,1]", "Transpose", [U(2, 3, 4, 5)], perm=[0, 2, 3, 1])
    op("Transpose default perm (reverse)", "Transpose", [U(2, 3, 4)])
    op("Transpose int64 perm [1,0]", "Transpose", [Ints(3, 4)], perm=[1, 0])
    op("Transpose dynamic perm [1,0,2]", "Transpose", [U(3, 2, 4)], perm=[1, 0, 2],
       dynamic={"in0": (["N", 2, 4], [1, 2, 4], [4, 2, 4])})
    x = U(2, 1, 3, 1)
    op("Squeeze opset 11 axes=[1] attribute", "Squeeze", [x], opset=11, axes=[1])
    op("Squeeze opset 11 axes=[-1,1] attribute", "Squeeze", [x], opset=11, axes=[-1, 1])
    op("Squeeze opset 11 no axes", "Squeeze", [x], opset=11)
    op("Squeeze opset 13 axes input [1,3]", "Squeeze", [x, i64(1, 3)], opset=13)
    op("Squeeze opset 13 axes input [-1]", "Squeeze", [x, i64(-1)], opset=13)
    op("Squeeze opset 13 no axes", "Squeeze", [x], opset=13)
    op("Squeeze opset 13 dynamic", "Squeeze", [U(3, 1, 4), i64(1)], opset=13,
       dynamic={"in0": (["N", 1, 4], [1, 1, 4], [4, 1, 4])})
    x = U(2, 3)
    op("Unsqueeze opset 11 axes=[0,3] attribute", "Unsqueeze", [x], opset=11, axes=[0, 3])
    op("Unsqueeze opset 11 axes=[-1] attribute", "Unsqueeze", [x], opset=11, axes=[-1])
    op("Unsqueeze opset 13 axes input [1]", "Unsqueeze", [x, i64(1)], opset=13)
    op("Unsqueeze opset 13 axes input [3,-4] unsorted", "Unsqueeze", [x, i64(3, -4)], opset=13)
    op("Unsqueeze int64 opset 13", "Unsqueeze", [Ints(2, 3), i64(0)], opset=13)
    case("Unsqueeze of an initializer (folded)", [node("Unsqueeze", ["w", "a"], ["u"]), node("Add", ["x", "u"], ["y"])],
         {"x": U(2, 3, 4)}, ["y"], {"w": W(U(3, 4)), "a": i64(0)}, opset=13)

    # --- Identity, Dropout, Cast, Constant, ConstantOfShape -------------------------------------
    op("Identity", "Identity", [U(2, 3)])
    op("Identity int64", "Identity", [Ints(2, 3)])
    case("Identity of an initializer", [node("Identity", ["w"], ["i"]), node("Mul", ["x", "i"], ["y"])],
         {"x": U(2, 3)}, ["y"], {"w": W(U(2, 3))})
    op("Dropout opset 13", "Dropout", [U(2, 3, 4)], opset=13)
    op("Dropout opset 12 ratio input", "Dropout", [U(2, 3, 4), W(np.float32(0.3))], opset=12)
    op("Dropout opset 10 ratio attribute", "Dropout", [U(2, 3, 4)], opset=10, ratio=0.2)
    op("Dropout opset 13 mask output", "Dropout", [U(2, 3, 4)], opset=13, n_out=2)
    op("Dropout opset 13 training_mode=1 ratio 0 with mask", "Dropout",
       [U(2, 3), W(np.float32(0.0)), W(np.bool_(True))], opset=13, n_out=2)
    op("Cast float to int32 (truncates)", "Cast", [U(3, 4, lo=-5, hi=5)], to=TensorProto.INT32)
    op("Cast float to int64 (truncates)", "Cast", [U(3, 4, lo=-5, hi=5)], to=TensorProto.INT64)
    op("Cast int64 to float", "Cast", [Ints(3, 4, lo=-1000, hi=1000)], to=TensorProto.FLOAT)
    op("Cast int32 to int64", "Cast", [Ints(3, 4, lo=-1000, hi=1000, dtype=np.int32)], to=TensorProto.INT64)
    op("Cast int64 to int32", "Cast", [Ints(3, 4, lo=-1000, hi=1000)], to=TensorProto.INT32)
    op("Cast float to bool", "Cast", [WithZeros(3, 4)], to=TensorProto.BOOL)
    op("Cast bool to float", "Cast", [Bools(3, 4)], to=TensorProto.FLOAT)
    op("Cast bool to int64", "Cast", [Bools(3, 4)], to=TensorProto.INT64)
    op("Cast float to float16", "Cast", [U(3, 4, lo=-5, hi=5)], to=TensorProto.FLOAT16)
    op("Cast float to uint8", "Cast", [U(3, 4, lo=0, hi=200)], to=TensorProto.UINT8)
    op("Cast float to int8", "Cast", [U(3, 4, lo=-100, hi=100)], to=TensorProto.INT8)
    case("Cast of an initializer (folded)", [node("Cast", ["w"], ["c"], to=TensorProto.FLOAT),
                                            node("Add", ["x", "c"], ["y"])],
         {"x": U(2, 3)}, ["y"], {"w": W(Ints(2, 3))})
    case("Constant value tensor", [node("Constant", [], ["c"], value=tensor_attr([[1.5, -2.0, 0.25]] * 2, np.float32)),
                                  node("Add", ["x", "c"], ["y"])], {"x": U(2, 3)}, ["y"])
    case("Constant rank-0 value tensor", [node("Constant", [], ["c"], value=tensor_attr(2.5, np.float32)),
                                         node("Mul", ["x", "c"], ["y"])], {"x": U(2, 3)}, ["y"])
    case("Constant value_float", [node("Constant", [], ["c"], value_float=-1.25), node("Mul", ["x", "c"], ["y"])],
         {"x": U(2, 3)}, ["y"])
    case("Constant value_floats", [node("Constant", [], ["c"], value_floats=[0.5, 1.5, -2.5]),
                                  node("Add", ["x", "c"], ["y"])], {"x": U(2, 3)}, ["y"])
    case("Constant value_int", [node("Constant", [], ["c"], value_int=7), node("Add", ["x", "c"], ["y"])],
         {"x": Ints(2, 3)}, ["y"])
    case("Constant value_ints", [node("Constant", [], ["c"], value_ints=[1, -2, 3]), node("Mul", ["x", "c"], ["y"])],
         {"x": Ints(2, 3)}, ["y"])
    case("Constant int64 tensor as Reshape shape",
         [node("Constant", [], ["s"], value=tensor_attr([3, -1], np.int64)), node("Reshape", ["x", "s"], ["y"])],
         {"x": U(2, 3, 2)}, ["y"])
    case("ConstantOfShape value float 1.5",
         [node("ConstantOfShape", ["s"], ["c"], value=tensor_attr([1.5], np.float32)), node("Add", ["x", "c"], ["y"])],
         {"x": U(2, 3)}, ["y"], {"s": i64(2, 3)})
    case("ConstantOfShape default value (float 0)",
         [node("ConstantOfShape", ["s"], ["c"]), node("Add", ["x", "c"], ["y"])], {"x": U(2, 3)}, ["y"],
         {"s": i64(3)})
    case("ConstantOfShape value int64 7",
         [node("ConstantOfShape", ["s"], ["c"], value=tensor_attr([7], np.int64)), node("Mul", ["x", "c"], ["y"])],
         {"x": Ints(2, 3)}, ["y"], {"s": i64(2, 3)})
    case("ConstantOfShape of Shape (dynamic) float",
         [node("Shape", ["x"], ["s"]), node("ConstantOfShape", ["s"], ["c"], value=tensor_attr([2.0], np.float32)),
          node("Mul", ["x", "c"], ["y"])],
         {"x": U(3, 4)}, ["y", "c"], dynamic={"x": (["N", 4], [1, 4], [5, 4])})
    case("ConstantOfShape of Shape (dynamic) int32",
         [node("Shape", ["x"], ["s"]), node("ConstantOfShape", ["s"], ["c"], value=tensor_attr([-3], np.int32))],
         {"x": U(3, 4)}, ["c"], dynamic={"x": (["N", 4], [1, 4], [5, 4])})
    case("ConstantOfShape of Shape (dynamic) bool",
         [node("Shape", ["x"], ["s"]), node("ConstantOfShape", ["s"], ["c"], value=tensor_attr([True], np.bool_)),
          node("And", ["c", "b"], ["y"])],
         {"x": U(3, 4), "b": Bools(3, 4)}, ["y"], dynamic={"x": (["N", 4], [1, 4], [5, 4]),
                                                          "b": (["N", 4], [1, 4], [5, 4])})

    # --- Slice ---------------------------------------------------------------------------------
    x = U(5, 6, 7)
    op("Slice opset 9 attributes with axes", "Slice", [x], opset=9, starts=[1, 0], ends=[4, -1], axes=[0, 2])
    op("Slice opset 9 attributes without axes", "Slice", [x], opset=9, starts=[0, 1], ends=[3, 5])
    op("Slice opset 9 ends beyond the dim", "Slice", [x], opset=9, starts=[-3], ends=[1000], axes=[1])
    op("Slice negative starts/ends", "Slice", [x, i64(-4, -5), i64(-1, -1), i64(1, 2)])
    op("Slice negative steps", "Slice", [x, i64(-1, 5), i64(-100, 0), i64(2, 1), i64(-2, -1)])
    op("Slice ends INT64_MAX step 2", "Slice", [x, i64(1), i64(INT64_MAX), i64(0), i64(2)])
    op("Slice reverse with INT64_MIN ends", "Slice", [x, i64(-1), i64(INT64_MIN), i64(1), i64(-1)])
    op("Slice starts INT64_MIN", "Slice", [x, i64(INT64_MIN), i64(3), i64(2)])
    op("Slice negative axes", "Slice", [x, i64(1, 2), i64(4, 6), i64(-1, -2)])
    op("Slice no axes no steps", "Slice", [x, i64(1, 1), i64(3, 4)])
    op("Slice int32 starts/ends", "Slice", [x, W(np.array([1], np.int32)), W(np.array([-1], np.int32)),
                                            W(np.array([2], np.int32))])
    op("Slice step 3 start beyond the end clamped", "Slice", [x, i64(2), i64(100), i64(2), i64(3)])
    op("Slice opset 10", "Slice", [x, i64(1), i64(-1), i64(0)], opset=10)
    op("Slice dynamic axis negative end", "Slice", [U(5, 6, 7), i64(1), i64(-1), i64(0)],
       dynamic={"in0": (["N", 6, 7], [2, 6, 7], [8, 6, 7])})
    op("Slice dynamic axis negative start", "Slice", [U(5, 6, 7), i64(-3), i64(INT64_MAX), i64(0)],
       dynamic={"in0": (["N", 6, 7], [3, 6, 7], [8, 6, 7])})
    op("Slice dynamic INT64_MAX end and static axis", "Slice", [U(5, 6, 7), i64(1, 2), i64(INT64_MAX, 5), i64(0, 1)],
       dynamic={"in0": (["N", 6, 7], [2, 6, 7], [8, 6, 7])})
    op("Slice dynamic reverse", "Slice", [U(5, 6, 7), i64(-1), i64(INT64_MIN), i64(0), i64(-1)],
       dynamic={"in0": (["N", 6, 7], [1, 6, 7], [8, 6, 7])})
    op("Slice dynamic step -2 from -2", "Slice", [U(6, 3), i64(-2), i64(INT64_MIN), i64(0), i64(-2)],
       dynamic={"in0": (["N", 3], [2, 3], [8, 3])})
    op("Slice dynamic axis step 2", "Slice", [U(7, 3), i64(1), i64(-1), i64(0), i64(2)],
       dynamic={"in0": (["N", 3], [2, 3], [9, 3])})
    op("Slice static axis of a dynamic input", "Slice", [U(3, 6, 7), i64(-4), i64(-1), i64(2)],
       dynamic={"in0": (["N", 6, 7], [1, 6, 7], [4, 6, 7])})
    case("Slice ends computed by the graph (dynamic)",
         [node("Shape", ["z"], ["s"]), node("Gather", ["s", "i1"], ["e"], axis=0),
          node("Slice", ["x", "b", "e", "ax"], ["y"])],
         {"x": U(2, 8), "z": U(2, 5)}, ["y"], {"i1": i64(1), "b": i64(1), "ax": i64(1)},
         dynamic={"x": (["N", 8], [1, 8], [4, 8]), "z": (["N", "M"], [1, 2], [4, 8])})

    # --- Split ---------------------------------------------------------------------------------
    op("Split opset 11 split attribute [2,4]", "Split", [U(6, 4)], opset=11, n_out=2, axis=0, split=[2, 4])
    op("Split opset 11 equal 3", "Split", [U(6, 4)], opset=11, n_out=3)
    op("Split opset 11 axis -1 split [1,3]", "Split", [U(2, 4)], opset=11, n_out=2, axis=-1, split=[1, 3])
    op("Split opset 13 split input [1,3]", "Split", [U(2, 4, 3), i64(1, 3)], opset=13, n_out=2, axis=1)
    op("Split opset 13 equal 2 axis -1", "Split", [U(3, 4, 6)], opset=13, n_out=2, axis=-1)
    op("Split opset 18 num_outputs=3 uneven (7 -> 3,3,1)", "Split", [U(7, 4)], opset=18, n_out=3, num_outputs=3)
    op("Split opset 18 num_outputs=2 axis 1", "Split", [U(3, 6)], opset=18, n_out=2, axis=1, num_outputs=2)
    op("Split opset 18 split input [2,2,1]", "Split", [U(3, 5), i64(2, 2, 1)], opset=18, n_out=3, axis=1)
    op("Split opset 13 int64", "Split", [Ints(4, 6)], opset=13, n_out=3, axis=1)
    op("Split opset 13 static axis of a dynamic input", "Split", [U(3, 6), i64(2, 4)], opset=13, n_out=2, axis=1,
       dynamic={"in0": (["N", 6], [1, 6], [5, 6])})

    # --- Pad -----------------------------------------------------------------------------------
    x = U(1, 2, 4, 5)
    pads = [0, 0, 1, 2, 0, 0, 2, 1]
    op("Pad opset 11 constant value 1.5", "Pad", [x, i64(*pads), W(np.float32(1.5))], opset=11)
    op("Pad opset 11 constant default value", "Pad", [x, i64(*pads)], opset=11)
    op("Pad opset 11 reflect", "Pad", [x, i64(*pads)], opset=11, mode="reflect")
    op("Pad opset 11 edge", "Pad", [x, i64(*pads)], opset=11, mode="edge")
    op("Pad opset 11 edge wider than the input", "Pad", [U(1, 2, 2, 3), i64(0, 0, 3, 4, 0, 0, 2, 5)], opset=11,
       mode="edge")
    op("Pad opset 9 constant value attribute", "Pad", [x], opset=9, pads=pads, value=-0.5)
    op("Pad opset 9 reflect", "Pad", [x], opset=9, pads=pads, mode="reflect")
    op("Pad opset 9 edge", "Pad", [x], opset=9, pads=pads, mode="edge")
    op("Pad opset 13 negative pads (crop)", "Pad", [x, i64(0, 0, -1, 2, 0, 0, 1, -2)], opset=13)
    op("Pad opset 13 constant value tensor", "Pad", [x, i64(*pads), Fixed(np.float32(0.75))], opset=13)
    op("Pad opset 18 axes input [2,3]", "Pad", [x, i64(1, 2, 2, 1), W(np.float32(2.0)), i64(2, 3)], opset=18)
    op("Pad opset 18 negative axes reflect", "Pad", [x, i64(2, 1, 1, 2), None, i64(-1, -2)], opset=18,
       mode="reflect")
    op("Pad opset 19 wrap", "Pad", [x, i64(0, 0, 1, 2, 0, 0, 2, 1)], opset=19, mode="wrap")
    op("Pad opset 11 int64 constant", "Pad", [Ints(2, 3), i64(1, 0, 0, 2), W(np.int64(9))], opset=11)
    op("Pad opset 11 constant dynamic batch", "Pad", [U(3, 2, 4, 5), i64(*pads), W(np.float32(-1.0))], opset=11,
       dynamic={"in0": (["N", 2, 4, 5], [1, 2, 4, 5], [4, 2, 4, 5])})
    op("Pad opset 11 reflect dynamic spatial", "Pad", [U(1, 2, 5, 6), i64(*pads)], opset=11, mode="reflect",
       dynamic={"in0": (["N", 2, "H", "W"], [1, 2, 3, 3], [2, 2, 8, 8])})

    from op_cases_more import define_more_cases

    define_more_cases()
