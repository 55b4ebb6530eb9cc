// CenterCropPad: per listed axis, a centred crop (start (dim - size) / 2) or a centred zero pad
// (the input at offset (size - dim) / 2), both one Slice layer that reads zeros outside the input.
#include "frontend/onnx/importers/compose_util.h"
#include "frontend/onnx/importers/shape_scalar.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {

KILN_ONNX_IMPORTER(CenterCropPad) {
    Tensor& x = inputs.tensor(0);
    const int32_t rank = inputs.rank(0);
    const std::vector<int64_t> dims = inputs.dims(0);
    const std::vector<int64_t> target = inputs.ints(1);
    std::vector<int64_t> axes = attrs.getInts("axes");
    if (axes.empty())
        for (int32_t a = 0; a < rank; ++a) axes.push_back(a);
    ONNX_CHECK(target.size() == axes.size(), kINVALID_NODE)
        << "shape has " << target.size() << " values for " << axes.size() << " axes";
    std::vector<ShapeScalar> start(rank, ShapeScalar{0}), size(rank);
    for (int32_t a = 0; a < rank; ++a) size[a] = dimOf(ctx, x, a);
    for (size_t k = 0; k < axes.size(); ++k) {
        const int32_t a = normalizeAxis(axes[k], rank);
        const int64_t dim = dims[a], want = target[k];
        ONNX_CHECK(dim >= 0, kUNSUPPORTED_NODE_DYNAMIC) << "a dynamic dim " << a << " to crop or pad";
        ONNX_CHECK(want >= 0 && want <= (int64_t(1) << 40), kINVALID_NODE) << "target size " << want << " is out of range";
        start[a] = {want <= dim ? (dim - want) / 2 : -((want - dim) / 2)};
        size[a] = {want};
    }
    return {&sliceLayer(ctx, x, start, size, std::vector<int64_t>(rank, 1), SampleMode::kFILL,
                        &scalarConstant(ctx, x.getType(), 0, 0))};
}

}  // namespace kiln::onnximport
