// One-input math ops: each is one Unary layer.
#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {
Outputs unaryOp(ImportContext& ctx, NodeInputs& in, UnaryOperation op) { return {&unary(ctx, in.tensor(0), op)}; }
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
KILN_ONNX_IMPORTER(IsInf) {
    ONNX_CHECK(attrs.getInt("detect_negative", 1) == 1 && attrs.getInt("detect_positive", 1) == 1,
               kUNSUPPORTED_NODE_ATTR)
        << "IsInf detects both infinities only (detect_negative=1, detect_positive=1)";
    return unaryOp(ctx, inputs, UnaryOperation::kISINF);
}

}  // namespace kiln::onnximport
