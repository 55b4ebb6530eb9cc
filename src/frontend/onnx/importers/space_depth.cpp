// DepthToSpace and SpaceToDepth: a reshape to 6-D, a transpose, a reshape back (the ONNX
// definitions). The batch dim may be dynamic; C, H and W must be known.
#include <string>

#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

struct Blocks {
    int64_t c, h, w, b;
};

Blocks blocksOf(NodeInputs& inputs, const NodeAttributes& attrs) {
    ONNX_CHECK(inputs.rank(0) == 4, kINVALID_NODE) << "input must be [N, C, H, W], got rank " << inputs.rank(0);
    std::vector<int64_t> d = inputs.dims(0);
    const int64_t b = attrs.getInt("blocksize", 0);
    ONNX_CHECK(b >= 1, kINVALID_NODE) << "blocksize must be >= 1, got " << b;
    ONNX_CHECK(d[1] >= 0 && d[2] >= 0 && d[3] >= 0, kUNSUPPORTED_NODE_DYNAMIC)
        << "dynamic C, H or W (input dims " << ir::dimsToString(d) << ")";
    return {d[1], d[2], d[3], b};
}

std::string modeOf(const NodeAttributes& attrs) {
    std::string mode = attrs.getString("mode", "DCR");
    ONNX_CHECK(mode == "DCR" || mode == "CRD", kUNSUPPORTED_NODE_ATTR) << "mode='" << mode << "' (expected DCR or CRD)";
    return mode;
}

Tensor& permuted(ImportContext& ctx, Tensor& x, const std::vector<int64_t>& six, const std::vector<int64_t>& perm,
                 const std::vector<int64_t>& four) {
    return reshape(ctx, transpose(ctx, reshape(ctx, x, six), perm), four);
}

}  // namespace

// DCR: channel = (bh * b + bw) * C' + c'; CRD: channel = c' * b * b + bh * b + bw.
KILN_ONNX_IMPORTER(DepthToSpace) {
    const Blocks k = blocksOf(inputs, attrs);
    const int64_t bb = mulDims(k.b, k.b);
    ONNX_CHECK(k.c % bb == 0, kINVALID_NODE) << "channels " << k.c << " are not divisible by blocksize^2 " << bb;
    const int64_t c = k.c / bb;
    const std::vector<int64_t> out{0, c, mulDims(k.h, k.b), mulDims(k.w, k.b)};
    if (modeOf(attrs) == "DCR")
        return {&permuted(ctx, inputs.tensor(0), {0, k.b, k.b, c, k.h, k.w}, {0, 3, 4, 1, 5, 2}, out)};
    return {&permuted(ctx, inputs.tensor(0), {0, c, k.b, k.b, k.h, k.w}, {0, 1, 4, 2, 5, 3}, out)};
}

KILN_ONNX_IMPORTER(SpaceToDepth) {
    const Blocks k = blocksOf(inputs, attrs);
    ONNX_CHECK(k.h % k.b == 0 && k.w % k.b == 0, kINVALID_NODE)
        << "H " << k.h << " and W " << k.w << " must be divisible by blocksize " << k.b;
    const std::vector<int64_t> six{0, k.c, k.h / k.b, k.b, k.w / k.b, k.b};
    const std::vector<int64_t> out{0, mulDims(k.c, mulDims(k.b, k.b)), k.h / k.b, k.w / k.b};
    if (modeOf(attrs) == "DCR") return {&permuted(ctx, inputs.tensor(0), six, {0, 3, 5, 1, 2, 4}, out)};
    return {&permuted(ctx, inputs.tensor(0), six, {0, 1, 3, 5, 2, 4}, out)};
}

}  // namespace kiln::onnximport
