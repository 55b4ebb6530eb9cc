#!/usr/bin/env python3
"""Writes the small models and input files of the kiln CLI tests into <dir>:

  tiny_dynamic.onnx  input [N, 3, 8, 8] (dynamic batch) -> Conv 3x3 (4 maps, pad 1) -> Relu -> output
  tiny_static.onnx   the same with input [1, 3, 8, 8]
  bad_op.onnx        one node of an op no parser knows (KilnNoSuchOp): parser errors
  input_2x3x8x8.npy  float32, the right type for both models (batch 2 for the dynamic one)
  input_1x3x8x8.npy  float32 for the static model
  input_wrong_shape.npy  float32 [1, 3, 5, 5]
  input_int64.npy    int64 [1, 3, 8, 8] (wrong type)
  input_1x3x8x8.bin  the raw bytes of input_1x3x8x8.npy
  weights.npz        the conv weights, for check_output.py
  types.onnx         x float32 [2, 3] -> Cast to int32, int64, uint8, int8, float16 and x > 0 (bool)
  types_in.npy       its input

Usage: make_tiny_model.py <dir>
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def conv_relu(name, batch):
    rng = np.random.default_rng(3)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32) * 0.3
    b = rng.standard_normal(4).astype(np.float32) * 0.1
    x = helper.make_tensor_value_info("input", TensorProto.FLOAT, [batch, 3, 8, 8])
    y = helper.make_tensor_value_info("output", TensorProto.FLOAT, [batch, 4, 8, 8])
    nodes = [
        helper.make_node("Conv", ["input", "w", "b"], ["conv_out"], name="conv1", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["conv_out"], ["output"], name="relu1"),
    ]
    graph = helper.make_graph(nodes, name, [x], [y],
                              initializer=[numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="kiln-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model, w, b


def bad_op():
    x = helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 4])
    node = helper.make_node("KilnNoSuchOp", ["input"], ["output"], name="mystery")
    model = helper.make_model(helper.make_graph([node], "bad", [x], [y]),
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def types_model():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    nodes, outputs = [], []
    for name, t in [("i32", TensorProto.INT32), ("i64", TensorProto.INT64), ("u8", TensorProto.UINT8),
                    ("i8", TensorProto.INT8), ("f16", TensorProto.FLOAT16)]:
        nodes.append(helper.make_node("Cast", ["x"], [name], name=f"cast_{name}", to=t))
        outputs.append(helper.make_tensor_value_info(name, t, [2, 3]))
    nodes.append(helper.make_node("Greater", ["x", "zero"], ["b"], name="greater"))
    outputs.append(helper.make_tensor_value_info("b", TensorProto.BOOL, [2, 3]))
    graph = helper.make_graph(nodes, "types", [x], outputs,
                              initializer=[numpy_helper.from_array(np.zeros(1, np.float32), "zero")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    dynamic, w, b = conv_relu("tiny_dynamic", "N")
    static, _, _ = conv_relu("tiny_static", 1)
    onnx.save(dynamic, os.path.join(out, "tiny_dynamic.onnx"))
    onnx.save(static, os.path.join(out, "tiny_static.onnx"))
    onnx.save(bad_op(), os.path.join(out, "bad_op.onnx"))
    onnx.save(types_model(), os.path.join(out, "types.onnx"))
    np.save(os.path.join(out, "types_in.npy"), np.array([[1.5, -2.25, 3], [0, 5.5, -7]], np.float32))
    np.savez(os.path.join(out, "weights.npz"), w=w, b=b)
    rng = np.random.default_rng(5)
    x2 = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    x1 = rng.standard_normal((1, 3, 8, 8)).astype(np.float32)
    np.save(os.path.join(out, "input_2x3x8x8.npy"), x2)
    np.save(os.path.join(out, "input_1x3x8x8.npy"), x1)
    x1.tofile(os.path.join(out, "input_1x3x8x8.bin"))
    np.save(os.path.join(out, "input_wrong_shape.npy"), np.zeros((1, 3, 5, 5), np.float32))
    np.save(os.path.join(out, "input_int64.npy"), np.zeros((1, 3, 8, 8), np.int64))


if __name__ == "__main__":
    main()
