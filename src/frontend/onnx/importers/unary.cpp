// One-input math ops: each is one Unary layer (Neg and Abs of small integer weights fold).
#include <climits>
#include <cstdint>

#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

// Neg and Abs of small integer weights are shape arithmetic (Neg(axis) in function bodies): they
// fold at import so that the shapes they feed stay known. nullptr when that does not apply.
std::shared_ptr<const ir::HostTensor> foldIntegerUnary(const ir::HostTensor& x, UnaryOperation op) {
    if ((x.type != DataType::kINT64 && x.type != DataType::kINT32) || x.numel() > 64) return nullptr;
    auto out = std::make_shared<ir::HostTensor>(ir::HostTensor::make(x.type, x.dims));
    for (int64_t i = 0; i < x.numel(); ++i) {
        const int64_t v = x.intAt(i);
        const int64_t lowest = x.type == DataType::kINT32 ? INT32_MIN : INT64_MIN;
        if (v == lowest) return nullptr;  // its negation overflows: left to the layer
        const int64_t r = op == UnaryOperation::kNEG || (op == UnaryOperation::kABS && v < 0) ? -v : v;
        if (x.type == DataType::kINT32) {
            out->as<int32_t>()[i] = static_cast<int32_t>(r);
        } else {
            out->as<int64_t>()[i] = r;
        }
    }
    return out;
}

Outputs unaryOp(ImportContext& ctx, NodeInputs& in, UnaryOperation op) {
    if ((op == UnaryOperation::kNEG || op == UnaryOperation::kABS) && in.at(0).isWeights())
        if (auto folded = foldIntegerUnary(*in.at(0).weights, op)) return {folded};
    return {&unary(ctx, in.tensor(0), op)};
}

}  // namespace

KILN_ONNX_IMPORTER(Exp) { return unaryOp(ctx, inputs, UnaryOperation::kEXP); }
KILN_ONNX_IMPORTER(Log) { return unaryOp(ctx, inputs, UnaryOperation::kLOG); }
KILN_ONNX_IMPORTER(Sqrt) { return unaryOp(ctx, inputs, UnaryOperation::kSQRT); }
KILN_ONNX_IMPORTER(Reciprocal) { return unaryOp(ctx, inputs, UnaryOperation::kRECIP); }
KILN_ONNX_IMPORTER(Abs) { return unaryOp(ctx, inputs, UnaryOperation::kABS); }
KILN_ONNX_IMPORTER(Neg) { return unaryOp(ctx, inputs, UnaryOperation::kNEG); }
KILN_ONNX_IMPORTER(Sin) { return unaryOp(ctx, inputs, UnaryOperation::kSIN); }
KILN_ONNX_IMPORTER(Cos) { return unaryOp(ctx, inputs, UnaryOperation::kCOS); }
KILN_ONNX_IMPORTER(Tan) { return unaryOp(ctx, inputs, UnaryOperation::kTAN); }
KILN_ONNX_IMPORTER(Sinh) { return unaryOp(ctx, inputs, UnaryOperation::kSINH); }
KILN_ONNX_IMPORTER(Cosh) { return unaryOp(ctx, inputs, UnaryOperation::kCOSH); }
KILN_ONNX_IMPORTER(Asin) { return unaryOp(ctx, inputs, UnaryOperation::kASIN); }
KILN_ONNX_IMPORTER(Acos) { return unaryOp(ctx, inputs, UnaryOperation::kACOS); }
KILN_ONNX_IMPORTER(Atan) { return unaryOp(ctx, inputs, UnaryOperation::kATAN); }
KILN_ONNX_IMPORTER(Asinh) { return unaryOp(ctx, inputs, UnaryOperation::kASINH); }
KILN_ONNX_IMPORTER(Acosh) { return unaryOp(ctx, inputs, UnaryOperation::kACOSH); }
KILN_ONNX_IMPORTER(Atanh) { return unaryOp(ctx, inputs, UnaryOperation::kATANH); }
KILN_ONNX_IMPORTER(Ceil) { return unaryOp(ctx, inputs, UnaryOperation::kCEIL); }
KILN_ONNX_IMPORTER(Floor) { return unaryOp(ctx, inputs, UnaryOperation::kFLOOR); }
KILN_ONNX_IMPORTER(Erf) { return unaryOp(ctx, inputs, UnaryOperation::kERF); }
KILN_ONNX_IMPORTER(Not) { return unaryOp(ctx, inputs, UnaryOperation::kNOT); }
KILN_ONNX_IMPORTER(Sign) { return unaryOp(ctx, inputs, UnaryOperation::kSIGN); }
KILN_ONNX_IMPORTER(Round) { return unaryOp(ctx, inputs, UnaryOperation::kROUND); }
KILN_ONNX_IMPORTER(IsNaN) { return unaryOp(ctx, inputs, UnaryOperation::kISNAN); }
// detect_negative / detect_positive = 0 leave out one infinity: isinf(x) and the other sign.
KILN_ONNX_IMPORTER(IsInf) {
    const bool negative = attrs.getInt("detect_negative", 1) != 0, positive = attrs.getInt("detect_positive", 1) != 0;
    Outputs inf = unaryOp(ctx, inputs, UnaryOperation::kISINF);
    if (negative && positive) return inf;
    if (!negative && !positive) return {&elementWise(ctx, *inf[0].tensor, unary(ctx, *inf[0].tensor, UnaryOperation::kNOT),
                                                     ElementWiseOperation::kAND)};
    Tensor& x = inputs.tensor(0);
    Tensor& zero = ctx.tensorOf(ImportContext::scalarWeights(x.getType() == DataType::kDOUBLE ? DataType::kDOUBLE
                                                                                               : DataType::kFLOAT,
                                                             0.0, inputs.rank(0)));
    Tensor& z = cast(ctx, zero, x.getType());
    Tensor& sign = elementWise(ctx, x, z, positive ? ElementWiseOperation::kGREATER : ElementWiseOperation::kLESS);
    return {&elementWise(ctx, *inf[0].tensor, sign, ElementWiseOperation::kAND)};
}

}  // namespace kiln::onnximport
