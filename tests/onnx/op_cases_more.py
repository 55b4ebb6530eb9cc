"""The op cases of check_ops.py for the newer importers: control flow, quantization, ops composed
from existing layers (losses, normalizations, attention), index and scatter ops, recurrent and
signal ops, bitwise ops, unsigned and 8-bit float types (op_cases.py has the DSL and the rest)."""
import numpy as np

from op_cases import (U, W, Away, Bools, Fixed, Grid, Ints, Special, WithZeros, case, f32, i64, node, op,
                      tensor_attr)


def define_more_cases():
    from onnx import TensorProto

    # --- control flow (If takes its branch or selects; Loop and Scan are unrolled) ----------------
    from onnx import helper

    def graph(name, nodes, inputs, outputs):
        # (name, type, shape); ONNX Runtime wants the shapes of a Loop body's inputs.
        vi = lambda n, t, shape=None: helper.make_tensor_value_info(n, t, shape)
        return helper.make_graph(nodes, name, [vi(*v) for v in inputs], [vi(*v) for v in outputs])

    F, I, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
    then_g = graph("then", [node("Mul", ["x", "x"], ["t"])], [], [("t", F)])
    else_g = graph("else", [node("Neg", ["x"], ["e"])], [], [("e", F)])
    case("If with a constant condition takes its branch",
         [node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)],
         {"x": U(2, 3)}, ["y"], inits={"c": W(np.bool_(False))}, opset=13)
    case("If decided at run time (both branches, then select)",
         [node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)],
         {"x": U(2, 3), "c": Bools()}, ["y"], opset=13)
    # Loop: acc += x * i for i < M; the running acc is also a scan output.
    body = graph("body", [node("Cast", ["i"], ["fi"], to=F), node("Mul", ["x", "fi"], ["xi"]),
                          node("Add", ["acc", "xi"], ["acc_out"]), node("Identity", ["cond"], ["cond_out"]),
                          node("Identity", ["acc_out"], ["scan"])],
                 [("i", I, []), ("cond", B, []), ("acc", F, [2, 3])],
                 [("cond_out", B, []), ("acc_out", F, [2, 3]), ("scan", F, [2, 3])])
    case("Loop of 4 iterations with a carried value and a scan output",
         [node("Loop", ["M", "c", "a0"], ["acc", "all"], body=body)],
         {"x": U(2, 3), "a0": U(2, 3)}, ["acc", "all"], inits={"M": W(np.int64(4)), "c": W(np.bool_(True))},
         opset=13)
    # Scan: a running sum over axis 1, read in reverse, stacked on output axis 1.
    sbody = graph("sbody", [node("Add", ["s", "v"], ["s_out"]), node("Mul", ["s_out", "v"], ["o"])],
                  [("s", F), ("v", F)], [("s_out", F), ("o", F)])
    case("Scan reverse over axis 1, output on axis 1",
         [node("Scan", ["s0", "xs"], ["s", "ys"], body=sbody, num_scan_inputs=1, scan_input_axes=[1],
               scan_input_directions=[1], scan_output_axes=[1])],
         {"s0": U(2), "xs": U(2, 5)}, ["s", "ys"], opset=16)


    # --- explicit quantization -----------------------------------------------------------------
    u8 = lambda *v: W(np.asarray(v, dtype=np.uint8))
    i8 = lambda *v: W(np.asarray(v, dtype=np.int8))
    op("QuantizeLinear uint8 scalar scale and zero point", "QuantizeLinear",
       [U(3, 4, lo=-3, hi=3), W(np.float32(0.02)), W(np.uint8(128))], opset=13)
    op("QuantizeLinear int8 per-axis (axis 1)", "QuantizeLinear",
       [U(2, 3, 4, lo=-2, hi=2), f32(0.01, 0.02, 0.05), i8(-3, 0, 5)], opset=13, axis=1)
    op("QuantizeLinear no zero point (uint8)", "QuantizeLinear", [U(5, lo=-1, hi=3), W(np.float32(0.01))], opset=13)
    op("QuantizeLinear blocked along axis 1", "QuantizeLinear",
       [U(2, 6, lo=-2, hi=2), W(np.asarray([[0.01, 0.02, 0.04], [0.03, 0.05, 0.02]], np.float32)),
        W(np.asarray([[1, -2, 3], [0, 4, -1]], np.int8))], opset=21, axis=1, block_size=2)
    op("DequantizeLinear uint8", "DequantizeLinear",
       [Ints(3, 4, lo=0, hi=256, dtype=np.uint8), W(np.float32(0.05)), W(np.uint8(100))], opset=13)
    op("DequantizeLinear int8 per-axis (axis 0)", "DequantizeLinear",
       [Ints(3, 4, lo=-128, hi=128, dtype=np.int8), f32(0.1, 0.2, 0.3), i8(1, -1, 0)], opset=13, axis=0)
    op("DequantizeLinear int32", "DequantizeLinear", [Ints(6, lo=-1000, hi=1000, dtype=np.int32),
                                                      W(np.float32(0.001))], opset=13)
    op("DynamicQuantizeLinear", "DynamicQuantizeLinear", [U(3, 5, lo=-2, hi=4)], opset=11, n_out=3)
    op("MatMulInteger uint8 with zero points", "MatMulInteger",
       [Ints(3, 4, lo=0, hi=256, dtype=np.uint8), Ints(4, 2, lo=0, hi=256, dtype=np.uint8), u8(12), u8(200)],
       opset=10)
    op("QLinearMatMul int8", "QLinearMatMul",
       [Ints(2, 4, lo=-128, hi=128, dtype=np.int8), W(np.float32(0.05)), i8(3),
        Ints(4, 3, lo=-128, hi=128, dtype=np.int8), W(np.float32(0.02)), i8(-2),
        W(np.float32(0.4)), i8(5)], opset=10)
    op("ConvInteger uint8 with padding", "ConvInteger",
       [Ints(1, 2, 5, 5, lo=0, hi=256, dtype=np.uint8), W(Ints(3, 2, 3, 3, lo=0, hi=256, dtype=np.uint8)), u8(10),
        u8(120)], opset=10, pads=[1, 1, 1, 1])
    op("QLinearConv uint8 per-channel weight scales with bias", "QLinearConv",
       [Ints(1, 2, 5, 5, lo=0, hi=256, dtype=np.uint8), W(np.float32(0.03)), u8(128),
        W(Ints(3, 2, 3, 3, lo=0, hi=256, dtype=np.uint8)), f32(0.01, 0.02, 0.015), u8(128, 128, 128),
        W(np.float32(0.5)), u8(100), W(np.asarray([100, -50, 7], np.int32))], opset=10)


    # --- ops composed from existing layers: losses, normalizations, attention, small ones ------
    def classes(*shape, c, ignore=None):
        """Class indices in [0, c); with `ignore`, about a quarter of them replaced by it."""

        def gen(rng):
            t = rng.integers(0, c, shape)
            if ignore is not None:
                t[rng.random(shape) < 0.25] = ignore
                t.flat[0] = ignore
                if t.size > 1:
                    t.flat[1] = 0 if ignore != 0 else 1
            return t.astype(np.int64)

        return gen

    op("NegativeLogLikelihoodLoss NC reduction none", "NegativeLogLikelihoodLoss", [U(3, 5), classes(3, c=5)],
       opset=22, reduction="none")
    op("NegativeLogLikelihoodLoss NCd1 default mean", "NegativeLogLikelihoodLoss", [U(3, 5, 2), classes(3, 2, c=5)],
       opset=22)
    op("NegativeLogLikelihoodLoss NCd1d2 weight sum", "NegativeLogLikelihoodLoss",
       [U(2, 4, 3, 2), classes(2, 3, 2, c=4), W(U(4, lo=0.1, hi=2.0))], opset=22, reduction="sum")
    op("NegativeLogLikelihoodLoss weight mean ignore_index=-1", "NegativeLogLikelihoodLoss",
       [U(3, 5, 6), classes(3, 6, c=5, ignore=-1), U(5, lo=0.1, hi=2.0)], opset=22, ignore_index=-1)
    op("NegativeLogLikelihoodLoss no weight mean ignore_index=1 (in range)", "NegativeLogLikelihoodLoss",
       [U(3, 5, 4), classes(3, 4, c=5, ignore=1)], opset=22, ignore_index=1)
    op("NegativeLogLikelihoodLoss none ignore_index=9 (past C) int32 target", "NegativeLogLikelihoodLoss",
       [U(4, 3), lambda rng: classes(4, c=3, ignore=9)(rng).astype(np.int32)], opset=22, reduction="none",
       ignore_index=9)
    op("SoftmaxCrossEntropyLoss NC default mean", "SoftmaxCrossEntropyLoss", [U(3, 5, lo=-3, hi=3), classes(3, c=5)],
       opset=13)
    op("SoftmaxCrossEntropyLoss NCd1d2 weight ignore_index=2 with log_prob", "SoftmaxCrossEntropyLoss",
       [U(2, 5, 3, 4, lo=-3, hi=3), classes(2, 3, 4, c=5, ignore=2), W(U(5, lo=0.1, hi=2.0))], opset=13, n_out=2,
       ignore_index=2)
    op("SoftmaxCrossEntropyLoss sum large logits", "SoftmaxCrossEntropyLoss",
       [U(4, 6, lo=-60, hi=60), classes(4, c=6)], opset=13, reduction="sum")
    op("SoftmaxCrossEntropyLoss none negative ignore_index with log_prob", "SoftmaxCrossEntropyLoss",
       [U(3, 4, 5), classes(3, 5, c=4, ignore=-5)], opset=13, n_out=2, reduction="none", ignore_index=-5)
    op("RMSNormalization default axis", "RMSNormalization", [U(2, 3, 6, lo=-2, hi=2), W(U(6, lo=0.5, hi=1.5))],
       opset=23)
    op("RMSNormalization axis=1 epsilon=1e-2", "RMSNormalization",
       [U(2, 3, 4, lo=-2, hi=2), U(3, 4, lo=0.5, hi=1.5)], opset=23, axis=1, epsilon=1e-2)
    op("RMSNormalization axis=-2 scale [1,5]", "RMSNormalization",
       [U(2, 3, 4, 5, lo=-2, hi=2), W(U(1, 5, lo=0.5, hi=1.5))], opset=23, axis=-2)
    op("LayerNormalization axis=-1 with Mean and InvStdDev", "LayerNormalization",
       [U(2, 3, 6, lo=-2, hi=2), W(U(6, lo=0.5, hi=1.5)), W(U(6))], n_out=3)
    op("LayerNormalization axis=1 no bias with Mean and InvStdDev", "LayerNormalization",
       [U(2, 3, 4, lo=-2, hi=2), W(U(3, 4, lo=0.5, hi=1.5))], n_out=3, axis=1, epsilon=1e-3)
    case("LayerNormalization InvStdDev only", [node("LayerNormalization", ["x", "s", "b"], ["y", "", "inv"], axis=-2)],
         {"x": U(2, 3, 4, 5, lo=-2, hi=2), "s": U(4, 5), "b": U(4, 5)}, ["y", "inv"])
    # ONNX gives GroupNormalization no shape inference: a Cast and a Reshape to x's shape give the
    # output its type and shape.
    def group_norm(name, x, scale, bias, opset, **attrs):
        shape = x(np.random.default_rng(0)).shape
        case(name, [node("GroupNormalization", ["x", "s", "b"], ["g"], **attrs),
                    node("Cast", ["g"], ["c"], to=TensorProto.FLOAT), node("Reshape", ["c", "shape"], ["y"])],
             {"x": x, "s": scale, "b": bias}, ["y"], inits={"shape": i64(*shape)}, opset=opset)

    group_norm("GroupNormalization opset 21 4 groups", U(2, 8, 3, 3, lo=-2, hi=2), U(8, lo=0.5, hi=1.5), U(8), 21,
               num_groups=4, epsilon=1e-3)
    group_norm("GroupNormalization opset 21 one group rank 3", U(2, 6, 5, lo=-2, hi=2), U(6, lo=0.5, hi=1.5), U(6), 21,
               num_groups=1)
    # (Groups of 6 values: with 2, a variance far below epsilon loses ONNX Runtime digits.)
    group_norm("GroupNormalization opset 21 rank 2", U(3, 12, lo=-2, hi=2), U(12, lo=0.5, hi=1.5), U(12), 21,
               num_groups=2)
    # (The default axes fail ONNX's own shape inference of the function body: given explicitly.)
    op("MeanVarianceNormalization axes [0,2,3]", "MeanVarianceNormalization", [U(3, 3, 3, 2, lo=-2, hi=2)], opset=13,
       axes=[0, 2, 3])
    op("MeanVarianceNormalization axes [1]", "MeanVarianceNormalization", [U(2, 5, 3, lo=-2, hi=2)], opset=13,
       axes=[1])
    op("LpNormalization default (p=2, axis=-1)", "LpNormalization", [U(2, 3, 4, lo=-2, hi=2)], opset=22)
    op("LpNormalization p=1 axis=0", "LpNormalization", [U(3, 4, lo=-2, hi=2)], opset=22, p=1, axis=0)
    op("LRN size 3", "LRN", [U(2, 5, 3, 3, lo=-2, hi=2)], opset=13, size=3, alpha=0.3, beta=0.6, bias=2.0)
    op("LRN size 5 defaults", "LRN", [U(1, 6, 2, 3, lo=-2, hi=2)], opset=13, size=5)
    op("LRN size 1", "LRN", [U(2, 4, 5, 1, lo=-2, hi=2)], opset=13, size=1, alpha=0.5)
    op("DepthToSpace DCR", "DepthToSpace", [U(2, 8, 2, 3)], opset=13, blocksize=2)
    op("DepthToSpace CRD", "DepthToSpace", [U(1, 18, 2, 2)], opset=13, blocksize=3, mode="CRD")
    op("DepthToSpace DCR dynamic batch", "DepthToSpace", [U(3, 8, 2, 3)], opset=13, blocksize=2,
       dynamic={"in0": (["N", 8, 2, 3], [1, 8, 2, 3], [4, 8, 2, 3])})
    op("SpaceToDepth blocksize 2", "SpaceToDepth", [U(2, 3, 4, 6)], opset=13, blocksize=2)
    op("SpaceToDepth blocksize 3", "SpaceToDepth", [U(1, 2, 6, 3)], opset=13, blocksize=3)
    op("LpPool p=3 k2 pads 1", "LpPool", [U(1, 2, 5, 6)], opset=18, p=3, kernel_shape=[2, 2], pads=[1, 1, 1, 1])
    op("LpPool p=2 k3 s2 1-D", "LpPool", [U(2, 3, 9)], opset=18, kernel_shape=[3], strides=[2])
    op("LpPool p=1 auto_pad SAME_UPPER", "LpPool", [U(1, 2, 5, 5)], opset=18, p=1, kernel_shape=[2, 2],
       auto_pad="SAME_UPPER")
    op("GlobalLpPool p=2", "GlobalLpPool", [U(2, 3, 4, 5)])
    op("GlobalLpPool p=3", "GlobalLpPool", [U(2, 3, 6)], p=3)
    x = U(2, 3, 4, 5, lo=-4.0, hi=4.0)
    op("Swish alpha=1", "Swish", [x], opset=24)
    op("Swish alpha=0.7", "Swish", [x], opset=24, alpha=0.7)
    op("Mish", "Mish", [x], opset=18)
    op("Celu default alpha", "Celu", [x], opset=12)
    op("Celu alpha=2", "Celu", [x], opset=12, alpha=2.0)
    op("Shrink default (hard, lambd 0.5)", "Shrink", [x], opset=9)
    op("Shrink soft lambd=1.5 bias=1.5", "Shrink", [x], opset=9, lambd=1.5, bias=1.5)
    op("Shrink int32", "Shrink", [Ints(3, 4, lo=-6, hi=7, dtype=np.int32)], opset=9, lambd=2.0, bias=1.0)

    def attention(name, q, k, v, extra=(), n_out=1, opset=23, **attrs):
        op(name, "Attention", [q, k, v] + list(extra), opset=opset, n_out=n_out, **attrs)

    q4, k4, v4 = U(2, 3, 4, 8, lo=-2, hi=2), U(2, 3, 6, 8, lo=-2, hi=2), U(2, 3, 6, 5, lo=-2, hi=2)
    attention("Attention 4-D", q4, k4, v4)
    attention("Attention 4-D causal scale", q4, k4, v4, is_causal=1, scale=0.2)
    attention("Attention 4-D float mask [4,6]", q4, k4, v4, [U(4, 6)])
    attention("Attention 4-D bool mask [2,1,4,6] causal", q4, k4, v4, [Bools(2, 1, 4, 6)], is_causal=1)
    attention("Attention 4-D float mask per head [3,4,6]", q4, k4, v4, [U(3, 4, 6)])
    attention("Attention 4-D GQA 6 heads on 2", U(2, 6, 4, 8, lo=-2, hi=2), U(2, 2, 6, 8, lo=-2, hi=2),
              U(2, 2, 6, 5, lo=-2, hi=2), is_causal=1)

    def attention_qk(name, mask, **attrs):
        ins, names = {"q": q4, "k": k4, "v": v4}, ["q", "k", "v"]
        if mask is not None:
            ins["m"] = mask
            names.append("m")
        case(name, [node("Attention", names, ["y", "", "", "qk"], **attrs)], ins, ["y", "qk"], opset=23)

    attention_qk("Attention 4-D qk output mode 0 softcap", None, softcap=2.0)
    attention_qk("Attention 4-D qk output mode 1 softcap", U(4, 6), softcap=2.0, qk_matmul_output_mode=1)
    # (Mode 2 with masked keys holds -inf, which ONNX Runtime writes as -FLT_MAX: a float mask here.)
    attention_qk("Attention 4-D qk output mode 2 float mask", U(2, 1, 4, 6), qk_matmul_output_mode=2)
    attention_qk("Attention 4-D qk output mode 3", U(2, 3, 4, 6), qk_matmul_output_mode=3)
    attention("Attention 4-D past and present causal", q4, k4, v4,
              [None, U(2, 3, 3, 8, lo=-2, hi=2), U(2, 3, 3, 5, lo=-2, hi=2)], n_out=3, is_causal=1)
    attention("Attention 4-D past and present float mask [4,9]", q4, k4, v4,
              [U(4, 9), U(2, 3, 3, 8, lo=-2, hi=2), U(2, 3, 3, 5, lo=-2, hi=2)], n_out=3)
    attention("Attention 3-D", U(2, 4, 24, lo=-2, hi=2), U(2, 6, 24, lo=-2, hi=2), U(2, 6, 15, lo=-2, hi=2),
              q_num_heads=3, kv_num_heads=3)
    attention("Attention 3-D GQA causal with past", U(2, 4, 32, lo=-2, hi=2), U(2, 3, 16, lo=-2, hi=2),
              U(2, 3, 12, lo=-2, hi=2), [U(4, 5), U(2, 2, 2, 8, lo=-2, hi=2), U(2, 2, 2, 6, lo=-2, hi=2)], n_out=3,
              q_num_heads=4, kv_num_heads=2, is_causal=1)
    attention("Attention 4-D causal dynamic batch and sequences", q4, k4, v4, is_causal=1,
              dynamic={"in0": (["B", 3, "T", 8], [1, 3, 1, 8], [3, 3, 7, 8]),
                       "in1": (["B", 3, "S", 8], [1, 3, 1, 8], [3, 3, 9, 8]),
                       "in2": (["B", 3, "S", 5], [1, 3, 1, 5], [3, 3, 9, 5])})
    attention("Attention 3-D GQA nonpad_kv_seqlen causal dynamic batch", U(2, 2, 16, lo=-2, hi=2),
              U(2, 6, 8, lo=-2, hi=2), U(2, 6, 8, lo=-2, hi=2),
              [None, None, None, Fixed(np.array([4, 6], np.int64))], opset=24, q_num_heads=4, kv_num_heads=2,
              is_causal=1,
              dynamic={"in0": (["B", 2, 16], [1, 2, 16], [3, 2, 16]), "in1": (["B", 6, 8], [1, 6, 8], [3, 6, 8]),
                       "in2": (["B", 6, 8], [1, 6, 8], [3, 6, 8]), "in6": (["B"], [1], [3])})
    attention("Attention 4-D causal bool mask with a fully masked row", U(1, 2, 5, 4, lo=-2, hi=2),
              U(1, 2, 3, 4, lo=-2, hi=2), U(1, 2, 3, 4, lo=-2, hi=2), [Fixed(np.array([[False, True, True]] * 5))],
              is_causal=1)
    g = Grid(4, 6, 3, values=(0.0, 1.0, 2.0))
    op("ArgMax select_last_index ties take the last index", "ArgMax", [g], axis=1, select_last_index=1)
    op("ArgMin select_last_index keepdims=0 axis=-1", "ArgMin", [g], axis=-1, keepdims=0, select_last_index=1)
    op("ArgMax select_last_index 1-D keepdims=0", "ArgMax", [Grid(7, values=(0.0, 1.0))], keepdims=0,
       select_last_index=1)
    op("ArgMin select_last_index dynamic axis", "ArgMin", [g], axis=1, select_last_index=1,
       dynamic={"in0": ([4, "N", 3], [4, 1, 3], [4, 9, 3])})
    x = U(1, 2, 9, 8, lo=-2, hi=2)
    op("MaxPool dilations 2 k3 s2 pads 1", "MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], dilations=[2, 2],
       pads=[1, 2, 1, 0])
    op("MaxPool dilations [3,1] ceil_mode=1", "MaxPool", [x], kernel_shape=[2, 3], strides=[2, 2], dilations=[3, 1],
       ceil_mode=1)
    op("MaxPool 1-D dilation 3 auto_pad VALID", "MaxPool", [U(2, 3, 10)], kernel_shape=[3], strides=[2],
       dilations=[3], auto_pad="VALID")
    op("AveragePool dilations 2 pads 2 count_include_pad=0", "AveragePool", [x], opset=19, kernel_shape=[3, 2],
       strides=[1, 2], dilations=[2, 2], pads=[2, 1, 2, 1])
    op("AveragePool dilations 2 pads 1 count_include_pad=1 ceil_mode=1", "AveragePool", [x], opset=19,
       kernel_shape=[2, 2], strides=[3, 2], dilations=[2, 3], pads=[1, 1, 1, 1], count_include_pad=1, ceil_mode=1)
    op("AveragePool 3-D dilations ceil_mode=1", "AveragePool", [U(1, 1, 5, 6, 4)], opset=19, kernel_shape=[2, 2, 2],
       strides=[2, 2, 1], dilations=[2, 1, 2], ceil_mode=1)
    op("LpPool p=2 dilations 2 pads 1", "LpPool", [x], opset=18, kernel_shape=[2, 2], dilations=[2, 2],
       pads=[1, 1, 1, 1])
    op("MaxPool dilations 2 dynamic batch", "MaxPool", [U(3, 2, 7, 7)], kernel_shape=[2, 2], dilations=[2, 2],
       dynamic={"in0": (["N", 2, 7, 7], [1, 2, 7, 7], [4, 2, 7, 7])})
    def positions(b, s, n):
        return lambda rng: rng.integers(0, n, (b, s)).astype(np.int64)

    op("RotaryEmbedding 4-D position_ids", "RotaryEmbedding",
       [U(2, 3, 5, 8), U(10, 4), U(10, 4), positions(2, 5, 10)], opset=23)
    op("RotaryEmbedding 3-D interleaved rotary_embedding_dim=4", "RotaryEmbedding",
       [U(2, 5, 24), W(U(12, 2)), W(U(12, 2)), positions(2, 5, 12)], opset=23, num_heads=3, interleaved=1,
       rotary_embedding_dim=4)
    op("RotaryEmbedding 4-D caches per position, rotary_embedding_dim=6", "RotaryEmbedding",
       [U(2, 2, 4, 10), U(2, 4, 3), U(2, 4, 3)], opset=23, rotary_embedding_dim=6)
    # Integer arithmetic on initializers folds at import (shape arithmetic of function bodies).
    case("Reshape to a shape of folded Sub, Neg and ConstantOfShape",
         [node("Shape", ["x"], ["shape"]), node("Size", ["shape"], ["rank"]),
          node("Slice", ["shape", "zero", "axis"], ["prefix"]), node("Sub", ["rank", "axis"], ["n"]),
          node("Neg", ["minus_one"], ["one"]), node("Sub", ["n", "one"], ["m"]),
          node("ConstantOfShape", ["m"], ["suffix"], value=tensor_attr([1], np.int64)),
          node("Concat", ["prefix", "suffix"], ["reduced"], axis=0),
          node("ReduceMean", ["x"], ["mean"], axes=[2, 3], keepdims=0),
          node("Reshape", ["mean", "reduced"], ["r"]), node("Reshape", ["r", "flat"], ["y"])],
         {"x": U(2, 3, 4, 5)}, ["y", "reduced"],
         inits={"zero": i64(0), "axis": i64(2), "minus_one": i64(-1), "flat": i64(-1)})
    case("Add of a tensor and folded int64 Mul, Sub, Abs (broadcast)",
         [node("Mul", ["a", "b"], ["ab"]), node("Sub", ["ab", "c"], ["abc"]), node("Abs", ["abc"], ["d"]),
          node("Add", ["x", "d"], ["y"])],
         {"x": Ints(2, 3, lo=-100, hi=100)}, ["y"],
         inits={"a": W(np.array([[2], [-3]], np.int64)), "b": i64(4, -5, 6), "c": W(np.int64(7))})
    case("Div of int64 initializers folded (truncating)", [node("Div", ["a", "b"], ["d"]), node("Mul", ["x", "d"], ["y"])],
         {"x": Ints(4)}, ["y"], inits={"a": i64(7, -7, 9, 0), "b": i64(2, 2, -4, 3)})
    case("Sub of int32 initializers folded", [node("Sub", ["a", "b"], ["d"]), node("Mul", ["x", "d"], ["y"])],
         {"x": Ints(3, dtype=np.int32)}, ["y"],
         inits={"a": W(np.array([5, -2, 9], np.int32)), "b": W(np.array([7], np.int32))})
    case("Reshape allowzero=1 to a shape computed by the graph",
         [node("Shape", ["x"], ["shape"]), node("Slice", ["shape", "zero", "two"], ["lead"]),
          node("Concat", ["lead", "rest"], ["target"], axis=0), node("Reshape", ["x", "target"], ["y"], allowzero=1)],
         {"x": U(2, 3, 4, 2)}, ["y"], inits={"zero": i64(0), "two": i64(2), "rest": i64(-1)}, opset=14,
         dynamic={"x": (["N", 3, 4, 2], [1, 3, 4, 2], [4, 3, 4, 2])})
    op("CenterCropPad crop and pad, odd differences", "CenterCropPad", [U(5, 4, 3), i64(2, 7, 3)], opset=18)
    op("CenterCropPad axes [-2,-1] int64", "CenterCropPad", [Ints(2, 6, 5), i64(3, 8)], opset=18, axes=[-2, -1])
    op("CenterCropPad axes [0] dynamic batch", "CenterCropPad", [U(3, 6, 5), i64(4)], opset=18, axes=[1],
       dynamic={"in0": (["N", 6, 5], [1, 6, 5], [4, 6, 5])})
    # RNN, GRU, LSTM: X [S=4, B=3, I=5], hidden 6 (batch first: [B, S, I]).
    def rnn(name, op_type, gates, directions=1, bias=True, initial=False, peepholes=False, seq_lens=None,
            batch_first=False, n_out=2, **attrs):
        s_, b_, i_, h_ = 4, 3, 5, 6
        ins = [U(b_, s_, i_) if batch_first else U(s_, b_, i_), W(U(directions, gates * h_, i_, lo=-0.6, hi=0.6)),
               U(directions, gates * h_, h_, lo=-0.6, hi=0.6), W(U(directions, 2 * gates * h_)) if bias else None,
               seq_lens]
        if initial or peepholes:
            state = (b_, directions, h_) if batch_first else (directions, b_, h_)
            ins.append(U(*state))
            if op_type == "LSTM":
                ins.append(U(*state))
        if peepholes:
            ins.append(W(U(directions, 3 * h_)))
        while ins and ins[-1] is None:
            ins.pop()
        if batch_first:
            attrs["layout"] = 1
        op(name, op_type, ins, opset=14, n_out=n_out, hidden_size=h_, **attrs)

    rnn("RNN forward bias", "RNN", 1)
    # (activation_alpha goes to the functions that take one, in order: LeakyRelu 0.2, Elu 0.5.)
    rnn("RNN bidirectional initial_h LeakyRelu and Elu", "RNN", 1, directions=2, initial=True,
        direction="bidirectional", activations=["LeakyRelu", "Elu"], activation_alpha=[0.2, 0.5])
    rnn("RNN bidirectional Relu and LeakyRelu (the one alpha is LeakyRelu's)", "RNN", 1, directions=2,
        direction="bidirectional", activations=["Relu", "LeakyRelu"], activation_alpha=[0.3])
    rnn("RNN reverse Relu no bias", "RNN", 1, bias=False, direction="reverse", activations=["Relu"])
    rnn("GRU forward", "GRU", 3)
    rnn("GRU reverse linear_before_reset initial_h", "GRU", 3, initial=True, direction="reverse",
        linear_before_reset=1)
    # (ONNX Runtime runs layout=1 for none of them: the suite's batchwise cases cover it.)
    rnn("GRU bidirectional clip", "GRU", 3, directions=2, direction="bidirectional", clip=0.8)
    rnn("LSTM forward Y, Y_h, Y_c", "LSTM", 4, n_out=3)
    rnn("LSTM bidirectional peepholes initial states", "LSTM", 4, directions=2, peepholes=True, n_out=3,
        direction="bidirectional")
    rnn("LSTM reverse no bias HardSigmoid alpha/beta", "LSTM", 4, bias=False, n_out=3, direction="reverse",
        activations=["HardSigmoid", "Tanh", "Softsign"], activation_alpha=[0.3], activation_beta=[0.4])
    rnn("LSTM forward sequence_lens", "LSTM", 4, seq_lens=Fixed(np.array([4, 2, 1], np.int32)), n_out=3)
    rnn("GRU forward sequence_lens HardSigmoid and Softsign", "GRU", 3, seq_lens=Fixed(np.array([1, 4, 3], np.int32)),
        activations=["HardSigmoid", "Softsign"])
    # GridSample: coordinates a little past [-1, 1] exercise every padding mode.
    for mode in ("nearest", "linear", "cubic"):
        for padding in ("zeros", "border", "reflection"):
            for align in (0, 1):
                op(f"GridSample {mode} {padding} align_corners={align}", "GridSample",
                   [U(2, 3, 4, 5), U(2, 3, 6, 2, lo=-1.3, hi=1.3)], opset=20, mode=mode, padding_mode=padding,
                   align_corners=align)
    op("GridSample opset 16 bilinear default", "GridSample", [U(1, 2, 5, 4), U(1, 4, 4, 2, lo=-1.2, hi=1.2)], opset=16)
    op("GridSample 3-D linear border", "GridSample", [U(1, 2, 3, 4, 5), U(1, 2, 3, 4, 3, lo=-1.2, hi=1.2)], opset=20,
       mode="linear", padding_mode="border")
    op("GridSample 3-D nearest reflection align_corners=1", "GridSample",
       [U(2, 1, 3, 3, 4), U(2, 2, 2, 3, 3, lo=-1.2, hi=1.2)], opset=20, mode="nearest", padding_mode="reflection",
       align_corners=1)
    op("AffineGrid 2-D", "AffineGrid", [U(2, 2, 3), i64(2, 3, 4, 5)], opset=20)
    # (A size of 1 is left out: the reference divides by zero, ONNX Runtime puts it at +1, PyTorch and Kiln at 0.)
    op("AffineGrid 2-D align_corners=1", "AffineGrid", [U(2, 2, 3), i64(2, 1, 3, 2)], opset=20, align_corners=1)
    op("AffineGrid 3-D align_corners=1", "AffineGrid", [U(1, 3, 4), i64(1, 2, 3, 4, 2)], opset=20, align_corners=1)
    op("AffineGrid 3-D", "AffineGrid", [U(2, 3, 4), i64(2, 1, 2, 3, 4)], opset=20)
    op("DFT opset 17 real axis 1", "DFT", [U(2, 8, 3, 1)], opset=17, axis=1)
    op("DFT opset 17 complex inverse axis 2", "DFT", [U(2, 3, 6, 2)], opset=17, axis=2, inverse=1)
    op("DFT opset 17 onesided dft_length 10 (padded)", "DFT", [U(3, 7, 1), W(np.int64(10))], opset=17, axis=1, onesided=1)
    op("DFT opset 20 complex axis input -2, dft_length 5 (truncated)", "DFT", [U(2, 8, 2), W(np.int64(5)), W(np.int64(-2))], opset=20)
    op("DFT opset 20 inverse onesided (irfft)", "DFT", [U(2, 5, 2), None, W(np.int64(1))], opset=20, inverse=1, onesided=1)
    op("MaxPool Indices k3 s2 pads 1", "MaxPool", [U(2, 3, 7, 6)], n_out=2, kernel_shape=[3, 3], strides=[2, 2],
       pads=[1, 1, 1, 1])
    op("MaxPool Indices ties take the first position", "MaxPool", [Grid(1, 2, 5, 5, values=(0.0, 1.0))], n_out=2,
       kernel_shape=[2, 2], pads=[0, 1, 1, 0])
    op("MaxPool Indices storage_order=1 dilations 2 ceil_mode", "MaxPool", [U(1, 2, 6, 7)], n_out=2,
       kernel_shape=[2, 2], strides=[2, 1], dilations=[2, 2], ceil_mode=1, storage_order=1)
    op("MaxPool Indices 1-D", "MaxPool", [U(2, 2, 9)], n_out=2, kernel_shape=[3], strides=[2])
    op("MaxPool Indices 3-D", "MaxPool", [U(1, 2, 4, 3, 5)], n_out=2, kernel_shape=[2, 2, 2], pads=[1, 0, 1, 0, 1, 0])

    # --- CastLike, Mod --------------------------------------------------------------------------
    op("CastLike float to int64 (truncates)", "CastLike", [U(3, 4, lo=-5, hi=5), Ints(1)], opset=15)
    op("CastLike int32 to float", "CastLike", [Ints(2, 5, lo=-100, hi=100, dtype=np.int32), U(2)], opset=15)
    op("CastLike float to float16 (like an initializer)", "CastLike", [U(3, 4, lo=-5, hi=5),
                                                                      W(np.zeros([1], np.float16))], opset=15)
    op("CastLike bool to int32", "CastLike", [Bools(3, 2), W(np.zeros([], np.int32))], opset=15)
    case("CastLike of an initializer (folded)", [node("CastLike", ["w", "like"], ["c"]), node("Mul", ["x", "c"], ["y"])],
         {"x": Ints(2, 3)}, ["y"], {"w": W(U(2, 3, lo=-9, hi=9)), "like": W(np.zeros([1], np.int64))}, opset=15)
    op("Mod int64 fmod=0 mixed signs (divisor's sign)", "Mod", [Ints(3, 5, lo=-20, hi=21),
                                                                Ints(5, lo=-6, hi=7, nonzero=True)])
    op("Mod int32 fmod=1 mixed signs (dividend's sign)", "Mod", [Ints(4, 3, lo=-20, hi=21, dtype=np.int32),
                                                                 Ints(4, 3, lo=-6, hi=7, dtype=np.int32, nonzero=True)],
       fmod=1)
    op("Mod float fmod=1 broadcast", "Mod", [U(2, 3, 4, lo=-10, hi=10), Away(4, lo=0.5, hi=3.0)], fmod=1)
    op("Mod uint8 fmod=0", "Mod", [Ints(7, lo=0, hi=250, dtype=np.uint8), Ints(7, lo=1, hi=20, dtype=np.uint8)])
    op("Mod int8 fmod=1 scalar divisor", "Mod", [Ints(2, 5, lo=-100, hi=100, dtype=np.int8),
                                                 W(np.array(-7, np.int8))], fmod=1)

    case("Mod of a dynamic shape (shape values)",
         [node("Shape", ["x"], ["s"]), node("Mod", ["s", "d"], ["m"]),
          node("ConstantOfShape", ["m"], ["y"], value=tensor_attr([1.5], np.float32))],
         {"x": U(3, 6)}, ["y"], {"d": i64(100, 4)}, dynamic={"x": (["N", 6], [1, 6], [5, 6])})

    # --- Range, EyeLike, Trilu ------------------------------------------------------------------
    case("Range float initializers (folded)", [node("Range", ["s", "l", "d"], ["r"]), node("Add", ["x", "r"], ["y"])],
         {"x": U(7)}, ["y"], {"s": W(np.float32(-1.5)), "l": W(np.float32(2.0)), "d": W(np.float32(0.5))}, opset=11)
    case("Range int64 negative delta (folded)", [node("Range", ["s", "l", "d"], ["r"]), node("Mul", ["x", "r"], ["y"])],
         {"x": Ints(4)}, ["y"], {"s": W(np.int64(10)), "l": W(np.int64(-1)), "d": W(np.int64(-3))}, opset=11)
    case("Range int64 beyond 2^53 (folded exactly)",
         [node("Range", ["s", "l", "d"], ["r"]), node("Add", ["x", "r"], ["y"])], {"x": Ints(3)}, ["y"],
         {"s": W(np.int64(2**60 + 1)), "l": W(np.int64(2**60 + 8)), "d": W(np.int64(3))}, opset=11)
    for dt, name in ((np.float32, "float (a Fill)"), (np.int64, "int64 (Fill of a computed length)")):
        case(f"Range {name} too large to fold",
             [node("Range", ["s", "l", "d"], ["r"]), node("ReduceMax", ["r"], ["m"], keepdims=0),
              node("Add", ["x", "m"], ["y"])], {"x": U(2) if dt == np.float32 else Ints(2)}, ["y"],
             {"s": W(dt(-3)), "l": W(dt(9_000_001)), "d": W(dt(2))}, opset=13)
    case("Range int32 empty (limit below start)",
         [node("Range", ["s", "l", "d"], ["r"]), node("Concat", ["x", "r"], ["y"], axis=0)],
         {"x": Ints(3, dtype=np.int32)}, ["y"], {"s": W(np.int32(5)), "l": W(np.int32(2)), "d": W(np.int32(1))},
         opset=11)
    case("Range to a dimension of a dynamic input",
         [node("Shape", ["x"], ["s"]), node("Gather", ["s", "i1"], ["n"], axis=0),
          node("Range", ["zero", "n", "two"], ["r"])],
         {"x": U(2, 7)}, ["r"], {"i1": W(np.int64(1)), "zero": W(np.int64(1)), "two": W(np.int64(2))}, opset=11,
         dynamic={"x": (["N", "T"], [1, 1], [4, 9])})
    op("EyeLike float k=0", "EyeLike", [U(3, 4)])
    op("EyeLike k=2 dtype int64", "EyeLike", [U(4, 5)], k=2, dtype=TensorProto.INT64)
    op("EyeLike int32 k=-1", "EyeLike", [Ints(5, 3, dtype=np.int32)], k=-1)
    op("EyeLike dynamic dims k=1 dtype double", "EyeLike", [U(4, 6)], k=1, dtype=TensorProto.DOUBLE,
       dynamic={"in0": (["R", "C"], [1, 1], [8, 8])})
    op("Trilu upper default k", "Trilu", [U(2, 4, 5)], opset=14)
    op("Trilu lower k=-1 initializer", "Trilu", [U(3, 5, 4), i64(-1)], opset=14, upper=0)
    op("Trilu upper k=2 int64", "Trilu", [Ints(6, 4, lo=1, hi=9), i64(2)], opset=14)
    op("Trilu lower k tensor", "Trilu", [U(2, 3, 5), Fixed(np.int64(1))], opset=14, upper=0)
    op("Trilu upper k=-7 (all kept)", "Trilu", [U(3, 4), i64(-7)], opset=14)
    op("Trilu lower dynamic matrix dims k=1", "Trilu", [U(2, 4, 6), i64(1)], opset=14, upper=0,
       dynamic={"in0": ([2, "R", "C"], [2, 1, 1], [2, 8, 8])})
    op("Trilu upper dynamic dims k tensor", "Trilu", [U(5, 3), Fixed(np.int64(-1))], opset=14,
       dynamic={"in0": (["R", "C"], [1, 1], [8, 8])})

    # --- GatherElements, GatherND, ScatterElements, ScatterND, Scatter ---------------------------
    op("GatherElements axis 1", "GatherElements", [U(3, 4, 2), Ints(3, 5, 2, lo=0, hi=4)], axis=1)
    op("GatherElements axis -1 negative indices int32", "GatherElements",
       [U(3, 5), Ints(2, 3, lo=-5, hi=5, dtype=np.int32)], axis=-1)
    op("GatherElements int64 data axis 0", "GatherElements", [Ints(4, 3, lo=-50, hi=50), Ints(2, 3, lo=0, hi=4)])
    op("GatherND batch_dims 0", "GatherND", [U(3, 4, 2), Ints(5, 2, lo=0, hi=3)])
    op("GatherND batch_dims 1", "GatherND", [U(2, 4, 3), Ints(2, 3, 1, lo=-4, hi=4)], batch_dims=1)
    op("GatherND int64 full tuples", "GatherND", [Ints(3, 4), W(np.array([[2, 3], [0, -1]], np.int64))])
    op("ScatterElements axis 1", "ScatterElements", [U(3, 5), W(np.array([[1, 4], [0, 2], [3, 3]], np.int64)),
                                                     U(3, 2)], axis=1, opset=16)
    op("ScatterElements axis -2 negative indices", "ScatterElements",
       [U(4, 3), W(np.array([[-1, 0, 2]], np.int64)), U(1, 3)], axis=-2, opset=16)
    for red in ("add", "mul", "max", "min"):
        op(f"ScatterElements reduction={red} duplicate indices", "ScatterElements",
           [U(3, 4), W(np.array([[1, 1, 3], [0, 0, 0]], np.int64)), U(2, 3)], axis=1, opset=18, reduction=red)
        op(f"ScatterND reduction={red} duplicate indices", "ScatterND",
           [U(4, 3, 2), W(np.array([[1], [3], [1]], np.int64)), U(3, 3, 2)], opset=18, reduction=red)
    op("ScatterElements int64 reduction=add", "ScatterElements",
       [Ints(2, 5), W(np.array([[4, 4, 0]], np.int64)), Ints(1, 3)], axis=1, opset=18, reduction="add")
    op("ScatterND slices", "ScatterND", [U(4, 3, 2), W(np.array([[2], [0]], np.int64)), U(2, 3, 2)])
    op("ScatterND elements int64", "ScatterND", [Ints(3, 4), W(np.array([[0, 1], [2, -1]], np.int64)), Ints(2)])
    op("Scatter opset 10 axis 1", "Scatter", [U(3, 5), W(np.array([[1, 4], [0, 2], [3, 3]], np.int64)), U(3, 2)],
       axis=1, opset=10)

    # --- CumSum, CumProd, Einsum ----------------------------------------------------------------
    op("CumSum axis 1", "CumSum", [U(3, 4, 5), i64(1)])
    op("CumSum axis -1 exclusive reverse", "CumSum", [U(2, 7), W(np.int32(-1))], exclusive=1, reverse=1)
    op("CumSum int64 axis 0 exclusive", "CumSum", [Ints(5, 3, lo=-50, hi=50), i64(0)], exclusive=1)
    op("CumSum axis given at run time (a graph input)", "CumSum", [U(3, 4), Fixed(np.int32(-2))], exclusive=1)
    op("CumSum int32 reverse", "CumSum", [Ints(3, 6, lo=-50, hi=50, dtype=np.int32), i64(1)], reverse=1)
    op("CumProd axis 1", "CumProd", [U(3, 4, 5, lo=0.5, hi=1.5), i64(1)], opset=26)
    op("CumProd axis -1 exclusive reverse", "CumProd", [U(2, 7, lo=-1.5, hi=1.5), i64(-1)], opset=26,
       exclusive=1, reverse=1)
    op("CumProd int64 axis 0 exclusive", "CumProd", [Ints(5, 3, lo=-4, hi=5), i64(0)], opset=26, exclusive=1)
    op("Einsum batch matmul", "Einsum", [U(2, 3, 4), U(2, 4, 5)], equation="bij,bjk->bik")
    op("Einsum implicit output (transpose order)", "Einsum", [U(3, 4), U(4, 2)], equation="ji,ik")
    op("Einsum ellipsis and spaces", "Einsum", [U(2, 3, 4, 5), U(5, 3)], equation="... j k, k l -> ... l j")
    op("Einsum diagonal trace int64", "Einsum", [Ints(4, 4)], equation="ii")
    op("Einsum two-dimension ellipsis", "Einsum", [U(2, 3, 4, 5), U(2, 3, 5, 6)], equation="...ij,...jk->...ik")
    op("Einsum implicit output with an ellipsis", "Einsum", [U(2, 4, 5), U(2, 5, 3)], equation="...ij,...jk")
    op("Einsum upper-case labels", "Einsum", [U(3, 4), U(4)], equation="Ab,b->A")

    # --- OneHot, Hardmax, NonZero ---------------------------------------------------------------
    op("OneHot axis -1 int64 indices with negatives", "OneHot",
       [Ints(2, 3, lo=-5, hi=5), i64(5), W(np.array([-1.0, 2.5], np.float32))])
    op("OneHot axis 1 float indices and depth", "OneHot",
       [W(np.array([[1.0, 9.0], [2.0, -3.0]], np.float32)), W(np.float32(6)), U(2)], axis=1)
    op("OneHot out-of-range indices, int64 values", "OneHot",
       [Ints(4, lo=-8, hi=8), i64(4), W(np.array([0, 7], np.int64))], axis=0)
    op("Hardmax opset 13 axis -1", "Hardmax", [U(3, 4, 5)], opset=13)
    op("Hardmax opset 13 axis 0 ties", "Hardmax", [Grid(3, 4, values=(0.0, 1.0))], opset=13, axis=0)
    op("Hardmax opset 11 axis 1 (coerced 2-D)", "Hardmax", [U(2, 3, 4)], opset=11)
    op("Hardmax opset 13 dynamic batch", "Hardmax", [U(3, 5)], opset=13, axis=1,
       dynamic={"in0": (["N", 5], [1, 5], [4, 5])})
    op("NonZero float", "NonZero", [WithZeros(3, 4)])
    op("NonZero int64 rank 3", "NonZero", [Ints(2, 3, 2, lo=-1, hi=2)])
    case("NonZero of an initializer (folded)", [node("NonZero", ["w"], ["n"]), node("Add", ["x", "n"], ["y"])],
         {"x": Ints(2, 3)}, ["y"], {"w": W(np.array([[0, 1, 0], [2, 0, 3]], np.int64))})

    # --- more (second implementations cross-checked by these too): RNNs, GridSample, windows, ... ------------------
    # X [seq, batch, input], W [dirs, gates*hidden, input], R [dirs, gates*hidden, hidden].
    def rnn_inputs(gates, dirs=1, seq=4, batch=3, inp=5, hid=6, layout=0):
        x = U(batch, seq, inp) if layout else U(seq, batch, inp)
        return [x, U(dirs, gates * hid, inp), U(dirs, gates * hid, hid), U(dirs, 2 * gates * hid)]

    def states(dirs=1, batch=3, hid=6, layout=0):
        return U(batch, dirs, hid) if layout else U(dirs, batch, hid)

    op("more: RNN forward defaults", "RNN", rnn_inputs(1)[:3], hidden_size=6, n_out=2)
    op("more: RNN bidirectional bias initial_h", "RNN", rnn_inputs(1, 2) + [None, states(2)], hidden_size=6,
       direction="bidirectional", n_out=2)
    op("more: RNN reverse Relu clip", "RNN", rnn_inputs(1), hidden_size=6, direction="reverse",
       activations=["Relu"], clip=0.7, n_out=2)
    # ONNX Runtime refuses layout=1 (batchwise); the conformance suite's *_batchwise cases cover it.
    op("more: RNN LeakyRelu alpha", "RNN", rnn_inputs(1) + [None, states()],
       hidden_size=6, activations=["LeakyRelu"], activation_alpha=[0.3], n_out=2)
    op("more: RNN sequence_lens masking (weights)", "RNN",
       rnn_inputs(1, 2) + [W(np.array([4, 1, 3], np.int32)), states(2)], hidden_size=6,
       direction="bidirectional", n_out=2)
    op("more: RNN sequence_lens masking (graph input)", "RNN",
       rnn_inputs(1) + [Fixed(np.array([2, 4, 1], np.int32))], hidden_size=6, n_out=2)
    op("more: RNN dynamic batch", "RNN", rnn_inputs(1), hidden_size=6, n_out=2,
       dynamic={"in0": ([4, "N", 5], [4, 1, 5], [4, 6, 5])})
    op("more: GRU forward defaults", "GRU", rnn_inputs(3)[:3], hidden_size=6, n_out=2)
    op("more: GRU bidirectional bias initial_h", "GRU", rnn_inputs(3, 2) + [None, states(2)], hidden_size=6,
       direction="bidirectional", n_out=2)
    op("more: GRU linear_before_reset reverse", "GRU", rnn_inputs(3), hidden_size=6, direction="reverse",
       linear_before_reset=1, n_out=2)
    op("more: GRU activations HardSigmoid ScaledTanh", "GRU", rnn_inputs(3),
       hidden_size=6, activations=["HardSigmoid", "ScaledTanh"], activation_alpha=[0.3, 0.8],
       activation_beta=[0.4, 1.2], n_out=2)
    op("more: GRU clip and sequence_lens", "GRU", rnn_inputs(3) + [W(np.array([3, 4, 1], np.int32))], hidden_size=6,
       clip=0.5, n_out=2)
    op("more: LSTM forward defaults", "LSTM", rnn_inputs(4)[:3], hidden_size=6, n_out=3)
    op("more: LSTM bidirectional bias initial_h initial_c peepholes", "LSTM",
       rnn_inputs(4, 2) + [None, states(2), states(2), U(2, 18)], hidden_size=6, direction="bidirectional", n_out=3)
    op("more: LSTM reverse peepholes", "LSTM",
       rnn_inputs(4) + [None, states(), states(), U(1, 18)], hidden_size=6, direction="reverse", n_out=3)
    op("more: LSTM activations HardSigmoid softsign SOFTPLUS (any case) clip", "LSTM", rnn_inputs(4), hidden_size=6,
       activations=["HardSigmoid", "softsign", "SOFTPLUS"], clip=0.9, n_out=3)
    op("more: LSTM sequence_lens masking reverse", "LSTM",
       rnn_inputs(4) + [W(np.array([2, 4, 3], np.int32)), states(), states()], hidden_size=6,
       direction="reverse", n_out=3)
    op("more: LSTM input_forget", "LSTM", rnn_inputs(4) + [None, states(), states()], hidden_size=6, input_forget=1,
       n_out=3)
    # GridSample: grid values past [-1, 1] exercise the padding modes.
    for mode in ("bilinear", "nearest", "bicubic"):
        for pad in ("zeros", "border", "reflection"):
            for align in (0, 1):
                if mode == "bicubic" and pad == "border":
                    continue  # ONNX Runtime differs from the ONNX reference here (KNOWN_FAILURES above)
                op(f"more: GridSample 4-D {mode} {pad} align_corners={align}", "GridSample",
                   [U(2, 3, 5, 4), U(2, 6, 7, 2, lo=-1.7, hi=1.7)], opset=16, mode=mode, padding_mode=pad,
                   align_corners=align)
    op("more: GridSample 4-D one-pixel axis reflection align_corners", "GridSample",
       [U(1, 2, 1, 4), U(1, 3, 3, 2, lo=-2.5, hi=2.5)], opset=16, padding_mode="reflection", align_corners=1)
    op("more: GridSample 4-D dynamic batch and channels", "GridSample", [U(2, 3, 5, 4), U(2, 6, 7, 2, lo=-1.2, hi=1.2)],
       opset=16, dynamic={"in0": ([2, "C", 5, 4], [2, 1, 5, 4], [2, 4, 5, 4])})
    for mode in ("linear", "nearest"):
        for pad in ("zeros", "border", "reflection"):
            op(f"more: GridSample 5-D {mode} {pad}", "GridSample",
               [U(2, 2, 3, 4, 5), U(2, 2, 3, 4, 3, lo=-1.5, hi=1.5)], opset=20, mode=mode, padding_mode=pad)
    for align in (0, 1):
        op(f"more: AffineGrid 2-D align_corners={align}", "AffineGrid", [U(2, 2, 3), i64(2, 3, 5, 6)], opset=20,
           align_corners=align)
        op(f"more: AffineGrid 3-D align_corners={align}", "AffineGrid", [U(2, 3, 4), i64(2, 3, 3, 4, 5)], opset=20,
           align_corners=align)
    # Windows, DFT
    for win in ("HannWindow", "HammingWindow", "BlackmanWindow"):
        op(f"more: {win} periodic", win, [W(np.int64(10))])
        op(f"more: {win} symmetric double", win, [W(np.int32(7))], periodic=0, output_datatype=TensorProto.DOUBLE)
    op("more: DFT opset 17 real axis 1", "DFT", [U(2, 8, 3, 1)], axis=1)
    op("more: DFT opset 17 complex inverse axis 2", "DFT", [U(2, 3, 6, 2)], axis=2, inverse=1)
    op("more: DFT opset 17 onesided odd length dft_length 9 (zero-padded)", "DFT", [U(3, 7, 1), W(np.int64(9))], axis=1,
       onesided=1)
    op("more: DFT opset 20 complex axis -2 dft_length 5 (truncated)", "DFT", [U(2, 8, 2), W(np.int64(5))], opset=20)
    op("more: DFT opset 20 real axis 1 of 4-D", "DFT", [U(2, 5, 4, 1), None, W(np.int64(1))], opset=20)
    op("more: DFT opset 20 irfft", "DFT", [U(2, 6, 3, 2), None, W(np.int64(1))], opset=20, inverse=1, onesided=1)
    # Odd dft_length with irfft: ONNX Runtime 1.32 differs from numpy.fft.irfft (and the ONNX
    # reference); Kiln follows numpy, so only even lengths are compared here.
    op("more: DFT opset 20 irfft dft_length 8 (bins truncated)", "DFT", [U(2, 6, 2), W(np.int64(8))], opset=20,
       inverse=1, onesided=1)
    op("more: MelWeightMatrix", "MelWeightMatrix", [W(np.int64(8)), W(np.int64(64)), W(np.int64(8000)), W(np.float32(0.0)), W(np.float32(4000.0))])
    op("more: MelWeightMatrix narrow band double output", "MelWeightMatrix",
       [W(np.int64(5)), W(np.int64(33)), W(np.int64(16000)), W(np.float32(300.0)), W(np.float32(3500.0))], output_datatype=TensorProto.DOUBLE)
    op("more: STFT window onesided", "STFT", [U(2, 20, 1), W(np.int64(3)), U(8)], opset=17)
    op("more: STFT frame_length, two-sided", "STFT", [U(1, 17, 1), W(np.int64(4)), None, W(np.int64(6))], opset=17, onesided=0)
    op("more: STFT complex signal with window", "STFT", [U(2, 16, 2), W(np.int64(5)), U(6)], opset=17, onesided=0)
    # CenterCropPad, ReverseSequence, Compress
    op("more: CenterCropPad crop and pad odd differences", "CenterCropPad", [U(5, 4, 3), i64(2, 7, 3)], opset=18)
    op("more: CenterCropPad axes -1 0 int64", "CenterCropPad", [Ints(6, 3, 5), i64(2, 9)], opset=18, axes=[-1, 0])
    op("more: ReverseSequence time_axis 0", "ReverseSequence", [U(5, 3, 2), W(np.array([5, 1, 3], np.int64))])
    op("more: ReverseSequence batch_axis 0 lengths at run time", "ReverseSequence",
       [U(4, 6), Fixed(np.array([6, 0, 2, 4], np.int64))], batch_axis=0, time_axis=1)
    op("more: Compress axis 1 constant condition", "Compress", [U(3, 5, 2), W(np.array([1, 0, 1, 1], bool))], axis=1)
    op("more: Compress no axis condition at run time", "Compress", [U(3, 4), Bools(12)])
    op("more: Compress axis -1 int64 condition at run time", "Compress", [Ints(2, 6), Bools(6)], axis=-1)
    # Col2Im, MaxUnpool
    op("more: Col2Im 2-D strides dilations pads", "Col2Im", [U(2, 3 * 4, 15), i64(5, 6), i64(2, 2)], opset=18,
       strides=[2, 1], dilations=[1, 2], pads=[1, 0, 0, 1])
    op("more: Col2Im 3-D", "Col2Im", [U(1, 2 * 8, 8), i64(3, 3, 3), i64(2, 2, 2)], opset=18)
    # MaxPool indices: distinct flat positions of the [1, 2, 4, 4] input, one per 2x2 window.
    unpool_idx = np.array([[[[0, 3], [9, 14]], [[16, 19], [28, 31]]]], np.int64)
    op("more: MaxUnpool 2-D kernel 2 stride 2", "MaxUnpool", [U(1, 2, 2, 2), W(unpool_idx)], kernel_shape=[2, 2],
       strides=[2, 2])
    # output_shape larger than the inferred shape: ONNX Runtime reads the indices as flat into it,
    # the ONNX reference (and Kiln) pads the unpooled result; they agree on the inferred shape.
    op("more: MaxUnpool 2-D with output_shape", "MaxUnpool", [U(1, 2, 2, 2), W(unpool_idx), i64(1, 2, 4, 4)],
       kernel_shape=[2, 2], strides=[2, 2])
    op("more: Det 2-D 1x1", "Det", [U(1, 1)])
    op("more: Det batched 3x3", "Det", [U(2, 4, 3, 3)])
    op("more: Det 4x4", "Det", [U(5, 4, 4)])
    # Unique: the input must be known at import (its values decide the output sizes).
    op("more: Unique sorted without axis", "Unique", [W(np.array([2.0, 1.0, 1.0, 3.0, 4.0, 3.0, -1.5], np.float32))],
       n_out=4)
    op("more: Unique not sorted without axis int64 2-D", "Unique", [W(Ints(3, 4, lo=-3, hi=3))], sorted=0, n_out=4)
    op("more: Unique sorted axis 1 int64", "Unique",
       [W(np.array([[1, 0, 1, 0], [2, 3, 2, 3], [0, 1, 0, 4]], np.int64))], axis=1, n_out=4)
    op("more: Unique not sorted axis -3 float (6 slices of 4 possible: duplicates)", "Unique", [W(Grid(6, 2, 1, values=(0.0, 1.0)))], axis=-3, sorted=0,
       n_out=4)
    case("more: Unique of a folded value feeding a computed tensor",
         [node("Unique", ["w"], ["u", "i", "inv", "c"]), node("Mul", ["x", "u"], ["y"])],
         {"x": U(3)}, ["y", "inv"], {"w": W(np.array([5.0, -2.0, 5.0, 7.0], np.float32))})


    # --- bitwise ops, unsigned integers, 8-bit floats ------------------------------------------
    op("BitShift LEFT uint32", "BitShift", [Ints(3, 4, lo=0, hi=1000, dtype=np.uint32),
                                            Ints(3, 4, lo=0, hi=8, dtype=np.uint32)], opset=11, direction="LEFT")
    op("BitShift RIGHT uint64 broadcast", "BitShift", [Ints(3, 4, lo=0, hi=100000, dtype=np.uint64),
                                                       W(np.asarray([3], np.uint64))], opset=11, direction="RIGHT")
    op("BitwiseAnd int32", "BitwiseAnd", [Ints(3, 4, lo=-100, hi=100, dtype=np.int32),
                                          Ints(3, 4, lo=-100, hi=100, dtype=np.int32)], opset=18)
    op("BitwiseOr uint8 broadcast", "BitwiseOr", [Ints(2, 3, lo=0, hi=256, dtype=np.uint8),
                                                  Ints(3, lo=0, hi=256, dtype=np.uint8)], opset=18)
    op("BitwiseXor int64", "BitwiseXor", [Ints(4, lo=-1000, hi=1000), Ints(4, lo=-1000, hi=1000)], opset=18)
    op("BitwiseNot uint16", "BitwiseNot", [Ints(5, lo=0, hi=65536, dtype=np.uint16)], opset=18)
    op("Add uint16", "Add", [Ints(3, 4, lo=0, hi=30000, dtype=np.uint16), Ints(3, 4, lo=0, hi=30000, dtype=np.uint16)])
    op("Sub uint32 wraps", "Sub", [Ints(6, lo=0, hi=10, dtype=np.uint32), Ints(6, lo=0, hi=20, dtype=np.uint32)])
    op("Max uint64", "Max", [Ints(2, 3, lo=0, hi=1 << 40, dtype=np.uint64), Ints(3, lo=0, hi=1 << 40, dtype=np.uint64)])
    for f8 in ("FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ"):
        case(f"Cast float to {f8} and back", [node("Cast", ["x"], ["q"], to=getattr(TensorProto, f8)),
                                              node("Cast", ["q"], ["y"], to=TensorProto.FLOAT)],
             {"x": U(3, 5, lo=-500, hi=500)}, ["y"], opset=19)

    op("IsInf detect_positive only", "IsInf", [Special(3, 4)], opset=10, detect_negative=0)
    op("IsInf detect_negative only", "IsInf", [Special(3, 4)], opset=10, detect_positive=0)
    op("ReduceMax of bools (any) axis 1", "ReduceMax", [Bools(3, 4), i64(1)], opset=20, keepdims=0)
    op("ReduceMin of bools (all)", "ReduceMin", [Bools(3, 4)], opset=20, keepdims=1)
    op("ConvTranspose output_shape (pads from it)", "ConvTranspose", [U(1, 2, 4, 4), W(U(2, 3, 3, 3))],
       strides=[2, 2], output_shape=[10, 9])
    op("QuantizeLinear uint16", "QuantizeLinear", [U(3, 4, lo=-50, hi=50), W(np.float32(0.01)),
                                                   W(np.uint16(30000))], opset=21)

    # Random ops, made deterministic so that ONNX Runtime can check them: a uniform range of
    # width 0, a normal of scale 1e-20 (ONNX Runtime refuses 0), Bernoulli of probabilities 0 and 1.
    op("RandomUniformLike low == high", "RandomUniformLike", [U(3, 4)], low=0.25, high=0.25)
    op("RandomNormalLike scale 1e-20 double", "RandomNormalLike", [U(2, 3)], mean=-1.5, scale=1e-20,
       dtype=TensorProto.DOUBLE)
    op("RandomUniform shape attribute low == high", "RandomUniform", [], shape=[2, 5], low=3.0, high=3.0)
    op("RandomNormal shape attribute scale 1e-20", "RandomNormal", [], shape=[4], mean=2.0, scale=1e-20)
    op("Bernoulli of probabilities 0 and 1", "Bernoulli", [Grid(3, 4, values=(0.0, 1.0))], opset=15)

    # SwiGLU is newer than ONNX Runtime 1.32 (KNOWN_FAILURES); the conformance suite checks it.
    op("SwiGLU alpha 1.702", "SwiGLU", [U(2, 3, 8), U(2, 3, 8)], opset=28, alpha=1.702)
    op("LinearAttention gated_delta GQA with past state", "LinearAttention",
       [U(2, 3, 16), U(2, 3, 8), U(2, 3, 12), U(2, 2, 4, 6), U(2, 3, 8, lo=-0.5, hi=0.0), U(2, 3, 2, lo=0.1, hi=1.0)],
       opset=27, n_out=2, q_num_heads=4, kv_num_heads=2)
    op("TensorScatter circular 4-D", "TensorScatter", [U(2, 3, 6, 4), U(2, 3, 3, 4), W(np.array([1, 5], np.int64))],
       opset=24, mode="circular")
    op("TensorScatter linear axis 1", "TensorScatter", [U(3, 8, 2), U(3, 2, 2), W(np.array([0, 3, 6], np.int64))],
       opset=24, axis=1)
    op("BitCast float to int32", "BitCast", [U(3, 4)], opset=26, to=TensorProto.INT32)
    op("CausalConvWithState silu with past state and bias", "CausalConvWithState",
       [U(2, 4, 7), W(U(4, 1, 3)), W(U(4)), U(2, 4, 2)], opset=27, n_out=2, activation="silu")

    # The ai.onnx.ml ops that are tensor arithmetic (src/frontend/onnx/importers/ml.cpp).
    op("Binarizer threshold 0.3", "Binarizer", [U(3, 4, 5)], domain="ai.onnx.ml", threshold=0.3)
    op("ArrayFeatureExtractor 2-D", "ArrayFeatureExtractor", [U(3, 5), W(np.array([4, 0, 2, 2], np.int64))],
       domain="ai.onnx.ml")
    op("ArrayFeatureExtractor 1-D gives [1, n]", "ArrayFeatureExtractor", [U(6), W(np.array([[5, 1]], np.int64))],
       domain="ai.onnx.ml")
    op("ArrayFeatureExtractor 3-D int64 computed indices", "ArrayFeatureExtractor",
       [Ints(2, 3, 4, lo=-100, hi=100), Ints(3, lo=0, hi=4)], domain="ai.onnx.ml")
    op("MatMul float64", "MatMul", [U(2, 3, 4, dtype=np.float64), U(4, 5, dtype=np.float64)])
    op("Resize linear half_pixel_symmetric scales 0.6 and 1.7", "Resize",
       [U(1, 2, 5, 4), None, W(np.array([1, 1, 0.6, 1.7], np.float32))], opset=19, mode="linear",
       coordinate_transformation_mode="half_pixel_symmetric")
    op("Resize linear antialias scales 0.45", "Resize",
       [U(1, 2, 9, 11), None, W(np.array([1, 1, 0.45, 0.6], np.float32))], opset=18, mode="linear", antialias=1)
    op("Resize cubic antialias sizes", "Resize",
       [U(1, 1, 10, 12), None, None, W(np.array([1, 1, 4, 5], np.int64))], opset=18, mode="cubic", antialias=1)
    op("Resize tf_crop_and_resize linear with extrapolation", "Resize",
       [U(1, 2, 6, 5), W(np.array([0, 0, 0.1, 0.3, 1, 1, 0.8, 1.25], np.float32)), None,
        W(np.array([1, 2, 4, 4], np.int64))], opset=13, mode="linear",
       coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=-2.5)

    # Optional values holding tensors (importers/optional.cpp).
    case("Optional of a tensor then OptionalGetElement",
         [node("Optional", ["x"], ["o"]), node("OptionalGetElement", ["o"], ["y"])], {"x": U(3, 4)}, ["y"], opset=18)
    op("OptionalGetElement of a tensor", "OptionalGetElement", [U(2, 5)], opset=18)
    op("OptionalHasElement of a tensor", "OptionalHasElement", [U(4)], opset=18)
    case("OptionalHasElement without an input", [node("OptionalHasElement", [], ["y"])], {}, ["y"], opset=18)

    # Sequences, unrolled at import (importers/sequence.cpp): tensors in, tensors out.
    case("SplitToSequence by sizes then SequenceAt -1 and ConcatFromSequence new_axis",
         [node("SplitToSequence", ["x", "sizes"], ["s"], axis=1),
          node("SequenceAt", ["s", "last"], ["y"]),
          node("SplitToSequence", ["x"], ["ones"], axis=1, keepdims=0),
          node("ConcatFromSequence", ["ones"], ["z"], axis=-1, new_axis=1)],
         {"x": U(2, 5, 3)}, ["y", "z"],
         inits={"sizes": W(np.array([2, 3], np.int64)), "last": W(np.int64(-1))}, opset=17)
    case("SplitToSequence by a scalar chunk then SequenceLength",
         [node("SplitToSequence", ["x", "chunk"], ["s"], axis=0), node("SequenceLength", ["s"], ["n"]),
          node("ConcatFromSequence", ["s"], ["y"], axis=0)],
         {"x": U(7, 2)}, ["n", "y"], inits={"chunk": W(np.int64(3))}, opset=17)
    case("SequenceEmpty, SequenceInsert at front and back, SequenceErase, ConcatFromSequence",
         [node("SequenceEmpty", [], ["e"], dtype=TensorProto.FLOAT),
          node("SequenceInsert", ["e", "a"], ["s1"]),
          node("SequenceInsert", ["s1", "b", "zero"], ["s2"]),
          node("SequenceConstruct", ["a", "b", "a"], ["t"]),
          node("SequenceErase", ["t", "one"], ["t2"]),
          node("SequenceErase", ["t2"], ["t3"]),
          node("SequenceInsert", ["s2", "c"], ["s3"]),
          node("SequenceAt", ["t3", "zero"], ["t3_0"]),
          node("SequenceInsert", ["s3", "t3_0"], ["s4"]),
          node("ConcatFromSequence", ["s4"], ["y"], axis=1)],
         {"a": U(2, 3), "b": U(2, 1), "c": U(2, 4)}, ["y"],
         inits={"zero": W(np.int64(0)), "one": W(np.int64(1))}, opset=17)
    map_body = graph("map_body", [node("Add", ["e", "t"], ["o"]), node("Shape", ["e"], ["sh"])],
                     [("e", F), ("t", F)], [("o", F), ("sh", I)])
    case("SequenceMap over a sequence with a tensor, two outputs",
         [node("SplitToSequence", ["x", "sizes"], ["s"], axis=0),
          node("SequenceMap", ["s", "b"], ["mapped", "shapes"], body=map_body),
          node("ConcatFromSequence", ["mapped"], ["y"], axis=0),
          node("ConcatFromSequence", ["shapes"], ["z"], axis=0, new_axis=1)],
         {"x": U(5, 3), "b": U(3)}, ["y", "z"], inits={"sizes": W(np.array([1, 4], np.int64))}, opset=17)
