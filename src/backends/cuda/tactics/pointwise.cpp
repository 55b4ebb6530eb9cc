// CUDA tactics for the one-input pointwise ops: Activation, Unary, Cast, Identity, Scale, Fill.
// Kernels in kernels/{activation,unary,cast,pointwise}.cu; copies with cudaMemcpyAsync.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <string>
#include <vector>

#include "backends/cuda/kernels/activation.h"
#include "backends/cuda/kernels/cast.h"
#include "backends/cuda/kernels/layout.h"
#include "backends/cuda/kernels/pointwise.h"
#include "backends/cuda/kernels/unary.h"
#include "backends/cuda/tactic.h"
#include "core/status.h"
#include "ir/ops/activation.h"
#include "ir/ops/cast.h"
#include "ir/ops/fill.h"
#include "ir/ops/identity.h"
#include "ir/ops/scale.h"
#include "ir/ops/unary.h"

namespace kiln::cuda {
namespace {

void checkStatus(const KernelArgs& args, int status, const char* kernel) {
    if (status == cudaSuccess) return;
    const std::string what = std::string(args.op ? args.op->name() : "?") + ": " + kernel;
    check(status, what.c_str());
}

void checkUnary(const KernelArgs& args, const char* op) {
    KILN_CHECK(args.inputs.size() == 1 && args.outputs.size() == 1 && args.inputs[0].rank >= 0)
        << op << ": expected 1 input and 1 output, got " << args.inputs.size() << " and " << args.outputs.size();
    KILN_CHECK(args.inputs[0].numel() == args.outputs[0].numel())
        << op << ": input " << ir::dimsToString(args.inputs[0].shape()) << " and output "
        << ir::dimsToString(args.outputs[0].shape()) << " differ in size";
}

//! A device-to-device copy of the input into the output (Identity, same-type and bit casts).
void copyInput(KernelArgs& args) {
    const ir::TensorView& in = args.inputs[0];
    ir::TensorView& out = args.outputs[0];
    KILN_CHECK(in.bytes() == out.bytes()) << args.op->name() << ": input of " << in.bytes()
                                          << " bytes, output of " << out.bytes();
    if (in.bytes() == 0 || in.data == out.data) return;
    checkStatus(args, cudaMemcpyAsync(out.data, in.data, in.bytes(), cudaMemcpyDeviceToDevice, streamOf(args)),
                "cudaMemcpyAsync");
}

bool isFloatType(DataType t) {
    return t == DataType::kFLOAT || t == DataType::kHALF || t == DataType::kBF16 || t == DataType::kDOUBLE;
}
bool isFloat32OrNarrower(DataType t) { return t == DataType::kFLOAT || t == DataType::kHALF || t == DataType::kBF16; }

Tactic activationTactic() {
    Tactic t;
    t.name = "cuda_activation";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        const auto type = static_cast<int32_t>(static_cast<const ir::ActivationOp&>(op).type);
        return in.size() == 1 && isFloatType(in[0].type) && type >= 0 &&
               type <= static_cast<int32_t>(ActivationType::kHARD_SWISH);
    };
    t.run = [](KernelArgs& args) {
        const auto& op = args.opAs<ir::ActivationOp>();
        checkUnary(args, "Activation");
        const ir::TensorView& in = args.inputs[0];
        checkStatus(args,
                    activation(in.data, args.outputs[0].data, in.type, in.numel(), static_cast<int32_t>(op.type),
                               static_cast<float>(op.alpha), static_cast<float>(op.beta), args.stream),
                    "kernel activation");
    };
    return t;
}

Tactic unaryTactic() {
    Tactic t;
    t.name = "cuda_unary";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        return in.size() == 1 && unarySupports(static_cast<int32_t>(static_cast<const ir::UnaryOp&>(op).op), in[0].type);
    };
    t.run = [](KernelArgs& args) {
        const auto& op = args.opAs<ir::UnaryOp>();
        checkUnary(args, "Unary");
        const ir::TensorView& in = args.inputs[0];
        KILN_CHECK_CODE(unarySupports(static_cast<int32_t>(op.op), in.type), ErrorCode::kUNSUPPORTED_STATE)
            << "Unary operation " << static_cast<int>(op.op) << " does not support " << dataTypeName(in.type)
            << " on the GPU";
        checkStatus(args, unary(static_cast<int32_t>(op.op), in.type, in.data, args.outputs[0].data, in.numel(), args.stream),
                    "kernel unary");
    };
    return t;
}

//! Casts that are copies: to the same type, or keeping the bits.
bool castIsCopy(const ir::CastOp& op, DataType from) { return op.bitCast != 0 || from == op.toType; }

Tactic castTactic() {
    Tactic t;
    t.name = "cuda_cast";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        const auto& c = static_cast<const ir::CastOp&>(op);
        if (in.size() != 1) return false;
        if (castIsCopy(c, in[0].type))
            return dataTypeSize(in[0].type) > 0 && dataTypeSize(in[0].type) == dataTypeSize(c.toType);
        return castSupports(in[0].type, c.toType);
    };
    t.run = [](KernelArgs& args) {
        const auto& op = args.opAs<ir::CastOp>();
        checkUnary(args, "Cast");
        const ir::TensorView& in = args.inputs[0];
        ir::TensorView& out = args.outputs[0];
        if (castIsCopy(op, in.type)) return copyInput(args);
        KILN_CHECK_CODE(castSupports(in.type, out.type), ErrorCode::kUNSUPPORTED_STATE)
            << "Cast from " << dataTypeName(in.type) << " to " << dataTypeName(out.type)
            << " is not supported on the GPU";
        checkStatus(args,
                    cast(in.type, out.type, in.data, out.data, in.numel(), args.stream, op.saturate != 0,
                         static_cast<int32_t>(op.e8m0Rounding)),
                    "kernel cast");
    };
    return t;
}

Tactic identityTactic() {
    Tactic t;
    t.name = "cuda_copy";
    t.supports = [](const ir::Op&, const std::vector<ir::ValueInfo>& in) {
        return in.size() == 1 && dataTypeSize(in[0].type) > 0;
    };
    t.run = [](KernelArgs& args) {
        checkUnary(args, "Identity");
        KILN_CHECK(args.inputs[0].type == args.outputs[0].type)
            << "Identity: input " << dataTypeName(args.inputs[0].type) << ", output "
            << dataTypeName(args.outputs[0].type);
        copyInput(args);
    };
    return t;
}

Tactic scaleTactic() {
    Tactic t;
    t.name = "cuda_scale";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        const auto& s = static_cast<const ir::ScaleOp&>(op);
        if (in.empty() || in.size() > 4 || !isFloat32OrNarrower(in[0].type)) return false;
        // Absent coefficients arrive as default (float) infos.
        for (size_t i = 1; i < in.size(); ++i)
            if (!isFloat32OrNarrower(in[i].type)) return false;
        return s.mode == ScaleMode::kUNIFORM || s.mode == ScaleMode::kCHANNEL || s.mode == ScaleMode::kELEMENTWISE;
    };
    t.run = [](KernelArgs& args) {
        const auto& op = args.opAs<ir::ScaleOp>();
        KILN_CHECK(!args.inputs.empty() && args.inputs[0].rank >= 0 && args.outputs.size() == 1)
            << "Scale: expected an input x and 1 output";
        const ir::TensorView& x = args.inputs[0];
        ir::TensorView& y = args.outputs[0];
        KILN_CHECK(x.numel() == y.numel() && x.type == y.type) << "Scale: output differs from x";
        // outer x [count] x inner, where coefficient k applies to the middle index (as the reference).
        int64_t count = 1, inner = 1;
        if (op.mode != ScaleMode::kUNIFORM) {
            KILN_CHECK(x.rank >= 1 && op.channelAxis >= -x.rank && op.channelAxis < x.rank)
                << "Scale: channel axis " << op.channelAxis << " is out of range for rank " << x.rank;
            const auto axis = static_cast<int32_t>(op.channelAxis < 0 ? op.channelAxis + x.rank : op.channelAxis);
            count = x.dims[axis];
            for (int32_t d = axis + 1; d < x.rank; ++d) inner *= x.dims[d];
            if (op.mode == ScaleMode::kELEMENTWISE) {
                count *= inner;
                inner = 1;
            }
        }
        DeviceOperand coefs[3];
        static const char* const kNames[] = {"shift", "scale", "power"};
        for (size_t i = 1; i <= 3; ++i) {
            if (!args.has(i)) continue;
            const ir::TensorView& v = args.inputs[i];
            KILN_CHECK(v.numel() == count) << "Scale " << kNames[i - 1] << " has " << v.numel() << " elements "
                                           << ir::dimsToString(v.shape()) << ", expected " << count;
            KILN_CHECK_CODE(isFloat32OrNarrower(v.type), ErrorCode::kUNSUPPORTED_STATE)
                << "Scale " << kNames[i - 1] << " of type " << dataTypeName(v.type) << " is not supported on the GPU";
            coefs[i - 1] = {v.data, v.type};
        }
        if (x.numel() == 0) return;
        checkStatus(args, scale(x.type, x.data, y.data, x.numel(), count, inner, coefs[0], coefs[1], coefs[2], args.stream),
                    "kernel scale");
    };
    return t;
}

bool isFillOperandType(DataType t) { return isFloatType(t) || t == DataType::kINT8 || t == DataType::kUINT8 ||
                                            t == DataType::kINT32 || t == DataType::kINT64 || t == DataType::kBOOL; }

Tactic fillTactic() {
    Tactic t;
    t.name = "cuda_fill";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        const auto& f = static_cast<const ir::FillOp&>(op);
        if (in.size() > 3 || !fillSupports(f.outputType)) return false;
        for (size_t i = 1; i < in.size(); ++i)
            if (!isFillOperandType(in[i].type)) return false;
        return f.op == FillOperation::kLINSPACE || f.op == FillOperation::kRANDOM_UNIFORM ||
               f.op == FillOperation::kRANDOM_NORMAL;
    };
    t.run = [](KernelArgs& args) {
        const auto& op = args.opAs<ir::FillOp>();
        KILN_CHECK(args.outputs.size() == 1) << "Fill: expected 1 output, got " << args.outputs.size();
        ir::TensorView& out = args.outputs[0];
        KILN_CHECK(out.rank >= 0 && out.rank <= kMaxRank) << "Fill: output of rank " << out.rank;
        FillParams p;
        p.op = static_cast<int32_t>(op.op);
        p.rank = out.rank;
        for (int32_t d = 0; d < out.rank; ++d) p.dims[d] = out.dims[d];
        p.alpha = op.alpha;
        p.alphaInt = static_cast<int64_t>(op.alpha);
        p.seed = static_cast<uint64_t>(op.seed);
        const int32_t last = std::max(out.rank, 1) - 1;
        p.beta[last] = op.beta;
        p.betaInt[last] = static_cast<int64_t>(op.beta);
        if (args.has(1)) {
            const ir::TensorView& a = args.inputs[1];
            KILN_CHECK(a.numel() == 1) << "Fill: alpha input has " << a.numel() << " elements, expected 1";
            KILN_CHECK_CODE(isFillOperandType(a.type), ErrorCode::kUNSUPPORTED_STATE)
                << "Fill: alpha of type " << dataTypeName(a.type) << " is not supported on the GPU";
            p.alphaInput = {a.data, a.type};
        }
        if (args.has(2)) {
            const ir::TensorView& b = args.inputs[2];
            const bool delta = op.op == FillOperation::kLINSPACE && out.rank > 1;
            KILN_CHECK(b.numel() == (delta ? out.rank : 1) || (op.op == FillOperation::kLINSPACE && out.rank == 0))
                << "Fill: beta input has " << b.numel() << " elements, expected " << (delta ? out.rank : 1);
            KILN_CHECK_CODE(isFillOperandType(b.type), ErrorCode::kUNSUPPORTED_STATE)
                << "Fill: beta of type " << dataTypeName(b.type) << " is not supported on the GPU";
            if (b.numel() > 0) p.betaInput = {b.data, b.type};
            p.betaPerAxis = delta;
        } else {
            KILN_CHECK(op.op != FillOperation::kLINSPACE || out.rank <= 1)
                << "Fill: LINSPACE with a " << out.rank << "-D output needs a beta input with one delta per dimension";
        }
        KILN_CHECK_CODE(fillSupports(out.type), ErrorCode::kUNSUPPORTED_STATE)
            << "Fill does not support " << dataTypeName(out.type) << " on the GPU";
        checkStatus(args, fillTensor(p, out.type, out.data, out.numel(), args.stream), "kernel fill");
    };
    return t;
}

KILN_REGISTER_CUDA_TACTIC("Activation", activationTactic());
KILN_REGISTER_CUDA_TACTIC("Unary", unaryTactic());
KILN_REGISTER_CUDA_TACTIC("Cast", castTactic());
KILN_REGISTER_CUDA_TACTIC("Identity", identityTactic());
KILN_REGISTER_CUDA_TACTIC("Scale", scaleTactic());
KILN_REGISTER_CUDA_TACTIC("Fill", fillTactic());

}  // namespace
}  // namespace kiln::cuda
