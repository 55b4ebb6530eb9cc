// Range, EyeLike and Trilu: tensors whose values follow their indices. What is known at import
// (all of Range's operands, EyeLike's shape, Trilu's mask) becomes weights here.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "frontend/onnx/importers/importer_util.h"
#include "frontend/onnx/weights.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

// Folded patterns stay small; a larger one would bloat the engine for nothing.
constexpr int64_t kMaxFoldedElements = int64_t(1) << 22;

//! Weights of `type` holding `values`; the 16-bit floats (which castWeights leaves to a layer)
//! become a float constant and a Cast layer.
TensorOrWeights valuesAs(ImportContext& ctx, DataType type, std::vector<int64_t> dims, const std::vector<double>& values) {
    auto d = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kDOUBLE, std::move(dims)));
    std::copy(values.begin(), values.end(), d->as<double>());
    if (auto w = castWeights(*d, type)) return {w};
    return {&cast(ctx, ctx.tensorOf(castWeights(*d, DataType::kFLOAT)), type)};
}

//! A zero of `type` with `rank` size-1 dims, to broadcast against a tensor of that type.
Tensor& zeroOf(ImportContext& ctx, DataType type, int32_t rank) {
    if (type == DataType::kHALF || type == DataType::kBF16)
        return cast(ctx, ctx.tensorOf(ImportContext::scalarWeights(DataType::kFLOAT, 0.0, rank)), type);
    return ctx.tensorOf(ImportContext::scalarWeights(type, 0.0, rank));
}

bool isInteger(DataType t) { return t == DataType::kINT32 || t == DataType::kINT64; }

//! Range on weights: numpy.arange's length max(ceil((limit - start) / delta), 0) and values.
//! Too large to fold, a float Range is a Fill of that length and an integer one comes back
//! empty (the importer's layers make it).
TensorOrWeights foldRange(ImportContext& ctx, DataType type, NodeInputs& inputs) {
    if (isInteger(type)) {
        const int64_t start = inputs.ints(0).at(0), limit = inputs.ints(1).at(0), delta = inputs.ints(2).at(0);
        ONNX_CHECK(delta != 0, kINVALID_NODE) << "Range delta is 0";
        // ceil((limit - start) / delta) in integers: -floor((start - limit) / delta).
        const __int128 span = static_cast<__int128>(start) - limit;
        __int128 q = span / delta;
        if (span % delta != 0 && ((span < 0) != (delta < 0))) --q;
        const __int128 n = std::max<__int128>(-q, 0);
        if (n > kMaxFoldedElements) return {};
        // Every value lies between start and limit, so start + i * delta fits int64; i * delta
        // alone may not, hence the 128-bit product.
        std::vector<int64_t> values(static_cast<size_t>(n));
        for (size_t i = 0; i < values.size(); ++i)
            values[i] = static_cast<int64_t>(start + static_cast<__int128>(i) * delta);
        return {castWeights(*ImportContext::int64Weights(values), type)};
    }
    const double start = inputs.floats(0).at(0), limit = inputs.floats(1).at(0), delta = inputs.floats(2).at(0);
    ONNX_CHECK(delta != 0 && std::isfinite(start) && std::isfinite(limit) && std::isfinite(delta), kINVALID_NODE)
        << "Range needs finite start, limit and a nonzero delta, got " << start << ", " << limit << ", " << delta;
    const double n = std::max(std::ceil((limit - start) / delta), 0.0);
    if (n > static_cast<double>(kMaxFoldedElements)) {
        // Too large to fold: a Fill of the (known) length; Fill makes no float64.
        ONNX_CHECK(n < 9.0e18 && type != DataType::kDOUBLE, kUNSUPPORTED_NODE)
            << "Range of " << n << " " << dataTypeName(type) << " elements";
        FillLayer* l = ctx.network().addFill(toDims({static_cast<int64_t>(n)}), FillOperation::kLINSPACE, type);
        if (l) {
            l->setAlpha(start);
            l->setBeta(delta);
        }
        return {ctx.check(l)->getOutput(0)};
    }
    std::vector<double> values(static_cast<size_t>(n));
    for (size_t i = 0; i < values.size(); ++i) values[i] = start + static_cast<double>(i) * delta;
    return valuesAs(ctx, type, {static_cast<int64_t>(values.size())}, values);
}

//! Row i, column j of a [rows, cols] matrix, as weights of the int64 difference j - i.
std::shared_ptr<const ir::HostTensor> diagonalOffsets(int64_t rows, int64_t cols) {
    auto t = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kINT64, {rows, cols}));
    for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) t->as<int64_t>()[i * cols + j] = j - i;
    return t;
}

//! j - i over the last two axes of x (dims known only at run time): row indices [rows, 1] and
//! column indices [1, cols] from LINSPACE Fills, their difference broadcast to [rows, cols].
Tensor& offsetsOfDynamicMatrix(ImportContext& ctx, Tensor& x, int32_t rank) {
    Tensor& shape = shapeOf(ctx, x);
    auto grid = [&](std::vector<Tensor*> parts, std::vector<int64_t> deltas) -> Tensor& {
        // The inputs first: a layer may only read tensors of layers added before it.
        Tensor& gridShape = concatShapes(ctx, parts);
        Tensor& start = ctx.tensorOf(ImportContext::int64Weights({0}, {}));
        Tensor& delta = constInt64(ctx, deltas);
        FillLayer* l = ctx.network().addFill(Dims{}, FillOperation::kLINSPACE, DataType::kINT64);
        if (l) {
            l->setInput(0, gridShape);
            l->setInput(1, start);
            l->setInput(2, delta);
        }
        return *ctx.check(l)->getOutput(0);
    };
    Tensor& one = constInt64(ctx, {1});
    Tensor& rowIndex = grid({&gatherShape(ctx, shape, {rank - 2}), &one}, {1, 0});
    Tensor& colIndex = grid({&one, &gatherShape(ctx, shape, {rank - 1})}, {0, 1});
    return elementWise(ctx, colIndex, rowIndex, ElementWiseOperation::kSUB);
}

std::pair<int64_t, int64_t> staticMatrixDims(const std::vector<int64_t>& dims, const char* op) {
    ONNX_CHECK(dims.size() >= 2, kINVALID_NODE) << op << " needs an input of rank >= 2, got rank " << dims.size();
    const int64_t rows = dims[dims.size() - 2], cols = dims.back();
    ONNX_CHECK(rows >= 0 && cols >= 0, kUNSUPPORTED_NODE_DYNAMIC)
        << op << " of dynamic matrix dimensions " << ir::dimsToString(dims) << " (they must be known at build time)";
    ONNX_CHECK(mulDims(rows, cols) <= kMaxFoldedElements, kUNSUPPORTED_NODE)
        << op << " of a " << rows << "x" << cols << " matrix is larger than Kiln supports";
    return {rows, cols};
}

}  // namespace

// Range(start, limit, delta): weights fold; otherwise (integers) a LINSPACE Fill whose length is
// computed by layers, so that shape values (Range(0, Shape(x)[1], 1)) keep it known at build time.
KILN_ONNX_IMPORTER(Range) {
    const DataType type = inputs.type(0);
    for (size_t i = 0; i < 3; ++i)
        ONNX_CHECK(inputs.has(i) && inputs.type(i) == type, kINVALID_NODE)
            << "Range needs start, limit and delta of one type";
    for (size_t i = 0; i < 3; ++i) {
        const std::vector<int64_t> d = inputs.dims(i);
        ONNX_CHECK(d.size() == 0 || (d.size() == 1 && d[0] == 1), kINVALID_NODE)
            << "Range's start, limit and delta must be scalars, got " << ir::dimsToString(d) << " for input " << i;
    }
    if (inputs.at(0).isWeights() && inputs.at(1).isWeights() && inputs.at(2).isWeights()) {
        TensorOrWeights folded = foldRange(ctx, type, inputs);
        if (!folded.empty()) return {folded};
    }
    // A float Range's length needs its operands' values: name them, so that the parser can say
    // which graph inputs setInputValues would fix.
    if (!isInteger(type))
        for (size_t i = 0; i < 3; ++i)
            if (!inputs.at(i).isWeights()) ctx.noteNeededConstant(inputs.name(i));
    ONNX_CHECK(isInteger(type), kUNSUPPORTED_NODE_DYNAMIC)
        << "Range of " << dataTypeName(type)
        << " with start, limit or delta computed by the graph: its length would be known only at run time";
    Tensor& start = cast(ctx, inputs.tensor(0), DataType::kINT64);
    Tensor& limit = cast(ctx, inputs.tensor(1), DataType::kINT64);
    Tensor& delta = cast(ctx, inputs.tensor(2), DataType::kINT64);
    // n = max(-floor((start - limit) / delta), 0) = max(ceil((limit - start) / delta), 0).
    Tensor& scalarZero = ctx.tensorOf(ImportContext::int64Weights({0}, {}));
    Tensor& q = elementWise(ctx, elementWise(ctx, start, limit, ElementWiseOperation::kSUB), delta,
                            ElementWiseOperation::kFLOOR_DIV);
    Tensor& count = elementWise(ctx, elementWise(ctx, scalarZero, q, ElementWiseOperation::kSUB), scalarZero,
                                ElementWiseOperation::kMAX);
    Tensor& shape = ctx.rankOf(&count) == 0 ? unsqueeze(ctx, count, {0}) : count;  // Fill takes a 1-D shape
    FillLayer* l = ctx.network().addFill(Dims{}, FillOperation::kLINSPACE, type);
    if (l) {
        l->setInput(0, shape);
        l->setInput(1, inputs.tensor(0));
        l->setInput(2, inputs.tensor(2));
    }
    return {ctx.check(l)->getOutput(0)};
}

// EyeLike: ones on the k-th diagonal of a matrix shaped like the input; only its shape is read
// (a constant when it is static).
KILN_ONNX_IMPORTER(EyeLike) {
    const std::vector<int64_t> dims = inputs.dims(0);
    ONNX_CHECK(dims.size() == 2, kINVALID_NODE) << "EyeLike needs a 2-D input, got rank " << dims.size();
    const DataType type = attrs.has("dtype") ? fromOnnxType(static_cast<int32_t>(attrs.getInt("dtype", 1)), "EyeLike dtype")
                                             : inputs.type(0);
    const int64_t k = attrs.getInt("k", 0);
    if (dims[0] < 0 || dims[1] < 0) {
        Tensor& offsets = offsetsOfDynamicMatrix(ctx, inputs.tensor(0), 2);
        Tensor& kt = ctx.tensorOf(ImportContext::int64Weights({k}, {}));
        return {&cast(ctx, elementWise(ctx, offsets, kt, ElementWiseOperation::kEQUAL), type)};
    }
    const auto [rows, cols] = staticMatrixDims(dims, "EyeLike");
    std::vector<double> values(static_cast<size_t>(rows * cols), 0.0);
    for (int64_t i = 0; i < rows; ++i)
        if (k >= -i && k < cols - i) values[static_cast<size_t>(i * cols + i + k)] = 1.0;  // i + k may overflow
    return {valuesAs(ctx, type, dims, values)};
}

// Trilu: keeps the elements with j - i >= k (upper=1) or j - i <= k (upper=0) of the last two
// axes and zeroes the rest: Select(mask, x, 0). With static matrix dims the offsets j - i are
// constants (and so is the mask, for a constant k).
KILN_ONNX_IMPORTER(Trilu) {
    const std::vector<int64_t> dims = inputs.dims(0);
    ONNX_CHECK(dims.size() >= 2, kINVALID_NODE) << "Trilu needs an input of rank >= 2, got rank " << dims.size();
    const bool upper = attrs.getInt("upper", 1) != 0;
    Tensor& x = inputs.tensor(0);
    const int32_t rank = inputs.rank(0);
    const bool constantK = !inputs.has(1) || inputs.at(1).isWeights();
    const int64_t k = constantK && inputs.has(1) ? inputs.ints(1).at(0) : 0;
    const int64_t rows = dims[rank - 2], cols = dims[rank - 1];
    Tensor* offsets;  // j - i
    if (rows >= 0 && cols >= 0) {
        const auto [r, c] = staticMatrixDims(dims, "Trilu");
        auto known = diagonalOffsets(r, c);
        if (constantK) {
            auto m = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kBOOL, {r, c}));
            for (int64_t i = 0; i < r * c; ++i) {
                const int64_t d = known->as<int64_t>()[i];
                m->as<uint8_t>()[i] = upper ? d >= k : d <= k;
            }
            return {ctx.check(ctx.network().addSelect(ctx.tensorOf(m), x, zeroOf(ctx, x.getType(), rank)))
                        ->getOutput(0)};
        }
        offsets = &ctx.tensorOf(known);
    } else {
        offsets = &offsetsOfDynamicMatrix(ctx, x, rank);
    }
    // Keep where !(j - i < k) (upper) or !(j - i > k) (lower).
    Tensor& kt = constantK ? ctx.tensorOf(ImportContext::int64Weights({k}, {})) : cast(ctx, inputs.tensor(1), DataType::kINT64);
    Tensor& keep = unary(ctx, elementWise(ctx, *offsets, kt, upper ? ElementWiseOperation::kLESS : ElementWiseOperation::kGREATER),
                         UnaryOperation::kNOT);
    return {ctx.check(ctx.network().addSelect(keep, x, zeroOf(ctx, x.getType(), rank)))->getOutput(0)};
}

}  // namespace kiln::onnximport
