// Det of small matrices by the Leibniz formula, det A = sum over permutations p of
// sign(p) prod_i A[i, p(i)], from gathers and element-wise layers. n <= 4 (at most 24 terms);
// larger matrices need a factorization layer, which Kiln does not have.
#include <algorithm>
#include <numeric>

#include "frontend/onnx/importers/compose_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {

KILN_ONNX_IMPORTER(Det) {
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank >= 2, kINVALID_NODE) << "Det takes rank 2 or more, got " << rank;
    const std::vector<int64_t> dims = inputs.dims(0);
    const int64_t n = dims[rank - 1];
    ONNX_CHECK(dims[rank - 2] == n, kINVALID_NODE)
        << "Det takes square matrices, got " << dims[rank - 2] << " x " << n;
    ONNX_CHECK(n >= 1 && n <= 4, kUNSUPPORTED_NODE)
        << "Det is composed by the Leibniz formula for static n <= 4, got n = " << n;
    const DataType type = inputs.type(0);
    ONNX_CHECK(type == DataType::kFLOAT || type == DataType::kDOUBLE || type == DataType::kHALF ||
                   type == DataType::kBF16,
               kUNSUPPORTED_NODE)
        << "Det of a non-float type";
    // [..., n*n]: element (i, j) at i*n + j of the last axis.
    std::vector<int64_t> flatDims;
    for (int32_t a = 0; a < rank - 2; ++a) flatDims.push_back(0);
    flatDims.push_back(n * n);
    Tensor& flat = reshape(ctx, inputs.tensor(0), flatDims);
    auto element = [&](int64_t i, int64_t j) -> Tensor& {
        Tensor& index = ctx.tensorOf(ImportContext::int64Weights({i * n + j}, {}));
        return *ctx.check(ctx.network().addGather(flat, index, rank - 2))->getOutput(0);
    };
    std::vector<int64_t> p(n);
    std::iota(p.begin(), p.end(), 0);
    Tensor* det = nullptr;
    do {
        Tensor* term = &element(0, p[0]);
        for (int64_t i = 1; i < n; ++i) term = &elementWise(ctx, *term, element(i, p[i]), ElementWiseOperation::kPROD);
        int64_t inversions = 0;
        for (int64_t i = 0; i < n; ++i)
            for (int64_t j = i + 1; j < n; ++j) inversions += p[i] > p[j];
        const bool odd = inversions % 2 != 0;
        if (!det) det = odd ? &unary(ctx, *term, UnaryOperation::kNEG) : term;
        else det = &elementWise(ctx, *det, *term, odd ? ElementWiseOperation::kSUB : ElementWiseOperation::kSUM);
    } while (std::next_permutation(p.begin(), p.end()));
    return {det};
}

}  // namespace kiln::onnximport
