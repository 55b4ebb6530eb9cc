#include "ir/ops/slice.h"

#include <algorithm>

namespace kiln::ir {

namespace {

bool isIntType(DataType t) { return t == DataType::kINT32 || t == DataType::kINT64; }

//! start / size / stride of the sliced axes: from input `index` when given, else the attribute
//! (empty attribute: `fallback` on every axis). Values are nullopt when not known at build time.
std::optional<std::vector<DimExpr>> sliceParam(const InferContext& ctx, int32_t index, const char* what,
                                               const std::vector<int64_t>& attr, size_t count,
                                               std::optional<int64_t> fallback) {
    if (ctx.hasInput(index)) {
        const ValueInfo& p = ctx.input(index);
        KILN_SHAPE_CHECK(ctx, isIntType(p.type)) << what << " must be int32 or int64, got " << dataTypeName(p.type);
        KILN_SHAPE_CHECK(ctx, p.shape.size() == 1) << what << " must be a 1-D tensor, got shape " << toString(p.shape);
        KILN_SHAPE_CHECK(ctx, !p.shape[0].isConst() || p.shape[0].value() == static_cast<int64_t>(count))
            << what << " has " << p.shape[0].toString() << " values, expected " << count;
        return p.value;
    }
    if (attr.empty() && fallback) return std::vector<DimExpr>(count, DimExpr(*fallback));
    KILN_SHAPE_CHECK(ctx, attr.size() == count)
        << what << " has " << attr.size() << " values " << toString(shapeOf(attr)) << ", expected " << count;
    return std::vector<DimExpr>(attr.begin(), attr.end());
}

bool allConstValues(const std::optional<std::vector<DimExpr>>& v) {
    return v && std::all_of(v->begin(), v->end(), [](const DimExpr& d) { return d.isConst(); });
}

}  // namespace

int64_t sliceSampleIndex(SampleMode mode, int64_t start, int64_t stride, int64_t o, int64_t dim) {
    int64_t c = start + o * stride;
    if (c >= 0 && c < dim) return c;
    if (dim <= 0) return -1;
    switch (mode) {
        case SampleMode::kWRAP:
            return ((c % dim) + dim) % dim;
        case SampleMode::kCLAMP:
            return std::clamp<int64_t>(c, 0, dim - 1);
        case SampleMode::kREFLECT: {
            if (dim == 1) return 0;
            int64_t period = 2 * (dim - 1);
            int64_t m = ((c % period) + period) % period;
            return m < dim ? m : period - m;
        }
        default:
            return -1;
    }
}

void SliceOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() >= 1 && ctx.nbInputs() <= 6)
        << "Slice takes 1 to 6 inputs, got " << ctx.nbInputs();
    const ValueInfo& in = ctx.input(0);
    const int32_t rank = static_cast<int32_t>(in.shape.size());

    std::vector<int32_t> axes;
    if (ctx.hasInput(5)) {
        KILN_SHAPE_CHECK(ctx, isIntType(ctx.input(5).type))
            << "axes must be int32 or int64, got " << dataTypeName(ctx.input(5).type);
        for (const DimExpr& a : ctx.requireValue(5, "axes")) {
            KILN_SHAPE_CHECK(ctx, a.isConst()) << "axis " << a.toString() << " must be a build-time constant";
            int32_t axis = ctx.normalizeAxis(a.value(), rank);
            KILN_SHAPE_CHECK(ctx, axis < rank && std::find(axes.begin(), axes.end(), axis) == axes.end())
                << "axis " << a.value() << " is invalid or given twice for input shape " << toString(in.shape);
            axes.push_back(axis);
        }
    } else {
        for (int32_t i = 0; i < rank; ++i) axes.push_back(i);
    }
    const size_t n = axes.size();

    std::vector<DimExpr> size;
    if (ctx.hasInput(2)) {
        sliceParam(ctx, 2, "size", {}, n, std::nullopt);  // checks type and length
        size = ctx.requireValue(2, "size");
    } else {
        size = *sliceParam(ctx, 2, "size", this->size, n, std::nullopt);
    }
    KILN_SHAPE_CHECK(ctx, size.size() == n) << "size has " << size.size() << " values, expected " << n;
    auto start = sliceParam(ctx, 1, "start", this->start, n, 0);
    auto stride = sliceParam(ctx, 3, "stride", this->stride, n, 1);
    if (stride) {
        for (const DimExpr& s : *stride)
            KILN_SHAPE_CHECK(ctx, !s.isConst() || s.value() != 0) << "stride " << toString(*stride) << " has a 0";
    }

    if (ctx.hasInput(4)) {
        const ValueInfo& fill = ctx.input(4);
        KILN_SHAPE_CHECK(ctx, mode == SampleMode::kFILL) << "a fill value (input 4) needs mode kFILL";
        KILN_SHAPE_CHECK(ctx, fill.type == in.type)
            << "fill value type " << dataTypeName(fill.type) << " differs from the input's " << dataTypeName(in.type);
        DimExpr fillCount = volume(fill.shape);
        KILN_SHAPE_CHECK(ctx, !fillCount.isConst() || fillCount.value() == 1)
            << "fill value must hold one element, got shape " << toString(fill.shape);
    }

    Shape out = in.shape;
    for (size_t k = 0; k < n; ++k) {
        KILN_SHAPE_CHECK(ctx, !size[k].isConst() || size[k].value() >= 0)
            << "size " << toString(size) << " has a negative entry";
        out[axes[k]] = size[k];
    }

    // Strict bounds, when everything is known now (the kernel checks again at run time).
    const bool constParams = allConstValues(start) && allConstValues(stride) && allConst(size);
    if (mode == SampleMode::kSTRICT_BOUNDS && constParams) {
        for (size_t k = 0; k < n; ++k) {
            const DimExpr& dim = in.shape[axes[k]];
            int64_t s = (*start)[k].value(), st = (*stride)[k].value(), sz = size[k].value();
            if (!dim.isConst() || sz == 0) continue;
            int64_t last = s + (sz - 1) * st;
            KILN_SHAPE_CHECK(ctx, s >= 0 && s < dim.value() && last >= 0 && last < dim.value())
                << "slice of axis " << axes[k] << " (size " << dim.value() << ") with start " << s << ", size " << sz
                << ", stride " << st << " reads index " << (s < 0 || s >= dim.value() ? s : last)
                << ", out of bounds for input shape " << toString(in.shape) << " in mode kSTRICT_BOUNDS";
        }
    }

    // Shape values: a 1-D int tensor sliced with known parameters.
    std::optional<std::vector<DimExpr>> value;
    if (in.value && rank == 1 && constParams && n == 1 && size[0].value() <= kMaxShapeValueElements) {
        const int64_t dim = static_cast<int64_t>(in.value->size());
        std::optional<DimExpr> fill = DimExpr(0);
        if (ctx.hasInput(4)) {
            const auto& f = ctx.input(4).value;
            fill = f && f->size() == 1 ? std::optional<DimExpr>((*f)[0]) : std::nullopt;
        }
        std::vector<DimExpr> v;
        bool ok = true;
        for (int64_t o = 0; o < size[0].value() && ok; ++o) {
            int64_t src = sliceSampleIndex(mode, (*start)[0].value(), (*stride)[0].value(), o, dim);
            if (src >= 0) {
                v.push_back((*in.value)[src]);
            } else if (mode == SampleMode::kFILL && fill) {
                v.push_back(*fill);
            } else {
                ok = false;  // strict bounds violated at run time, or unknown fill value
            }
        }
        if (ok) value = std::move(v);
    }
    ctx.setOutput(0, in.type, std::move(out), std::move(value));
}

KILN_REGISTER_OP(SliceOp)

}  // namespace kiln::ir
