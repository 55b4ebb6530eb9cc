// The inverses of pooling-style gathers, as scatters into zeros: Col2Im (ScatterND summing every
// block element into its image position) and MaxUnpool (ScatterElements putting each value at its
// MaxPool index). The
// scatter indices are computed at import, so the image, block and output shapes must be known.
#include "frontend/onnx/importers/compose_util.h"
#include "frontend/onnx/importers/shape_scalar.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

constexpr int64_t kMaxIndices = int64_t(1) << 22;

Tensor& scatterInto(ImportContext& ctx, Tensor& data, Tensor& indices, Tensor& updates, int32_t axis,
                    ScatterReduction reduction) {
    ScatterLayer* l = ctx.check(ctx.network().addScatter(data, indices, updates, ScatterMode::kELEMENT));
    l->setAxis(axis);
    l->setReduction(reduction);
    return *l->getOutput(0);
}

}  // namespace

// input [N, C * prod(block), L] -> [N, C, image...]; block element b of column l lands at
// (l's block origin) * stride + b * dilation - pad_begin, dropped when in the padding.
KILN_ONNX_IMPORTER(Col2Im) {
    const std::vector<int64_t> image = inputs.ints(1), block = inputs.ints(2);
    const size_t s = image.size();
    ONNX_CHECK(s >= 1 && block.size() == s, kINVALID_NODE)
        << "image_shape and block_shape must have the same, non-zero length, got " << s << " and " << block.size();
    std::vector<int64_t> dilations = attrs.getInts("dilations", std::vector<int64_t>(s, 1));
    std::vector<int64_t> strides = attrs.getInts("strides", std::vector<int64_t>(s, 1));
    std::vector<int64_t> pads = attrs.getInts("pads", std::vector<int64_t>(2 * s, 0));
    ONNX_CHECK(dilations.size() == s && strides.size() == s && pads.size() == 2 * s, kINVALID_NODE)
        << "dilations, strides and pads must have " << s << ", " << s << " and " << 2 * s << " values";
    ONNX_CHECK(inputs.rank(0) == 3, kINVALID_NODE) << "Col2Im input must be 3-D, got rank " << inputs.rank(0);
    std::vector<int64_t> blocksPerAxis(s);
    int64_t blockSize = 1, columns = 1, pixels = 1;
    constexpr int64_t kLimit = int64_t(1) << 31;  // keeps the index arithmetic far from overflow
    for (size_t a = 0; a < s; ++a) {
        ONNX_CHECK(image[a] >= 1 && block[a] >= 1 && dilations[a] >= 1 && strides[a] >= 1 && pads[a] >= 0 &&
                       pads[a + s] >= 0,
                   kINVALID_NODE)
            << "image, block, dilations and strides must be positive and pads non-negative (axis " << a << ")";
        ONNX_CHECK(image[a] < kLimit && block[a] < kLimit && dilations[a] < kLimit && strides[a] < kLimit &&
                       pads[a] < kLimit && pads[a + s] < kLimit,
                   kUNSUPPORTED_NODE)
            << "Col2Im sizes beyond 2^31 (axis " << a << ")";
        const int64_t span = dilations[a] * (block[a] - 1) + 1;
        const int64_t padded = image[a] + pads[a] + pads[a + s];
        ONNX_CHECK(padded >= span, kINVALID_NODE) << "the block spans " << span << " past the padded image " << padded;
        blocksPerAxis[a] = (padded - span) / strides[a] + 1;
        blockSize = mulDims(blockSize, block[a]);
        columns = mulDims(columns, blocksPerAxis[a]);
        pixels = mulDims(pixels, image[a]);
    }
    const std::vector<int64_t> inDims = inputs.dims(0);
    ONNX_CHECK(inDims[2] == columns, kINVALID_NODE) << "input has " << inDims[2] << " columns, the shapes give " << columns;
    ONNX_CHECK(inDims[1] >= 1 && inDims[1] % blockSize == 0, kUNSUPPORTED_NODE)
        << "input dim 1 (" << inDims[1] << ") must be a static multiple of the block size " << blockSize;
    ONNX_CHECK(mulDims(blockSize, columns) <= kMaxIndices, kUNSUPPORTED_NODE) << "too many block elements";
    const int64_t channels = inDims[1] / blockSize;

    // Flat image index of each (block element, column), or `pixels` (a dropped slot) in the padding.
    std::vector<int64_t> target(blockSize * columns);
    for (int64_t b = 0; b < blockSize; ++b) {
        for (int64_t l = 0; l < columns; ++l) {
            int64_t restB = b, restL = l, flat = 0, stride = 1;
            bool inside = true;
            for (size_t k = s; k-- > 0;) {
                const int64_t bi = restB % block[k], li = restL % blocksPerAxis[k];
                restB /= block[k];
                restL /= blocksPerAxis[k];
                const int64_t pos = li * strides[k] + bi * dilations[k] - pads[k];
                inside = inside && pos >= 0 && pos < image[k];
                flat += pos * stride;
                stride *= image[k];
            }
            target[b * columns + l] = inside ? flat : pixels;
        }
    }
    // ScatterND with a sum over [pixels + 1, N, C]: slot k of the image receives update row k.
    Tensor& updates = transpose(ctx, reshape(ctx, inputs.tensor(0), {0, channels, blockSize * columns}), {2, 0, 1});
    Tensor& shape = shapeOf(ctx, updates);
    Tensor& zeros = filled(ctx, concatShapes(ctx, {&constInt64(ctx, {pixels + 1}), &gatherShape(ctx, shape, {1, 2})}),
                           3, inputs.type(0), 0.0);
    Tensor& indices = ctx.tensorOf(ImportContext::int64Weights(target, {blockSize * columns, 1}));
    ScatterLayer* scatter = ctx.check(ctx.network().addScatter(zeros, indices, updates, ScatterMode::kND));
    scatter->setReduction(ScatterReduction::kSUM);
    Tensor& sums = transpose(ctx, *scatter->getOutput(0), {1, 2, 0});  // [N, C, pixels + 1]
    Tensor& kept = sliceLayer(ctx, sums, {{0}, {0}, {0}}, {dimOf(ctx, sums, 0), {channels}, {pixels}}, {1, 1, 1});
    std::vector<int64_t> outDims = {0, channels};
    outDims.insert(outDims.end(), image.begin(), image.end());
    return {&reshape(ctx, kept, outDims)};
}

// Y = zeros of the shape MaxPool's input had (inferred from the attributes) with Y.flat[I] = X
// (I: MaxPool's flat indices over N, C and the spatial dims). A given output_shape pads (or crops)
// that result at the end of each axis, as the ONNX reference does (ONNX Runtime instead reads I
// as flat indices into output_shape; the two agree when output_shape is the inferred shape).
KILN_ONNX_IMPORTER(MaxUnpool) {
    const std::vector<int64_t> xDims = inputs.dims(0);
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank >= 3, kINVALID_NODE) << "MaxUnpool takes rank 3 or more, got " << rank;
    const size_t s = static_cast<size_t>(rank - 2);
    const std::vector<int64_t> kernel = attrs.getInts("kernel_shape");
    std::vector<int64_t> strides = attrs.getInts("strides", std::vector<int64_t>(s, 1));
    std::vector<int64_t> pads = attrs.getInts("pads", std::vector<int64_t>(2 * s, 0));
    ONNX_CHECK(kernel.size() == s && strides.size() == s && pads.size() == 2 * s, kINVALID_NODE)
        << "kernel_shape, strides and pads must have " << s << ", " << s << " and " << 2 * s << " values";
    constexpr int64_t kLimit = int64_t(1) << 31;  // keeps the size arithmetic far from overflow
    for (int64_t d : xDims) ONNX_CHECK(d >= 0 && d < kLimit, kUNSUPPORTED_NODE) << "MaxUnpool needs static input dims";
    for (size_t a = 0; a < s; ++a)
        ONNX_CHECK(kernel[a] >= 1 && kernel[a] < kLimit && strides[a] >= 1 && strides[a] < kLimit && pads[a] >= 0 &&
                       pads[a] < kLimit && pads[a + s] >= 0 && pads[a + s] < kLimit,
                   kINVALID_NODE)
            << "kernel_shape and strides must be positive, pads non-negative (axis " << a << ")";
    std::vector<int64_t> inferred = {xDims[0], xDims[1]};
    for (size_t a = 0; a < s; ++a) inferred.push_back((xDims[2 + a] - 1) * strides[a] + kernel[a] - pads[a] - pads[a + s]);
    int64_t total = 1;
    for (int64_t d : inferred) {
        ONNX_CHECK(d >= 1, kUNSUPPORTED_NODE) << "MaxUnpool needs non-empty output dims, got " << d;
        total = mulDims(total, d);
    }
    ONNX_CHECK(total <= kMaxIndices * 16, kUNSUPPORTED_NODE) << "the output is too large";
    Tensor& values = reshape(ctx, inputs.tensor(0), {-1});
    Tensor& indices = reshape(ctx, cast(ctx, inputs.tensor(1), DataType::kINT64), {-1});
    Tensor& zeros = filled(ctx, constInt64(ctx, {total}), 1, inputs.type(0), 0.0);
    Tensor& y = reshape(ctx, scatterInto(ctx, zeros, indices, values, 0, ScatterReduction::kNONE), inferred);
    if (!inputs.has(2)) return {&y};
    const std::vector<int64_t> outDims = inputs.ints(2);
    ONNX_CHECK(static_cast<int32_t>(outDims.size()) == rank, kINVALID_NODE)
        << "output_shape must have " << rank << " values, got " << outDims.size();
    std::vector<ShapeScalar> start(rank, ShapeScalar{0}), size;
    for (int64_t d : outDims) {
        ONNX_CHECK(d >= 0, kINVALID_NODE) << "a negative output_shape value " << d;
        size.push_back({d});
    }
    Tensor& zero = scalarConstant(ctx, inputs.type(0), 0.0, 0);
    return {&sliceLayer(ctx, y, start, size, std::vector<int64_t>(rank, 1), SampleMode::kFILL, &zero)};
}

}  // namespace kiln::onnximport
