// Unique: its output sizes depend on the input's values, and Kiln's shapes are known when the
// engine is built, so the input must be known at import (an initializer, a folded value, or a
// graph input fixed with Parser::setInputValues); the four outputs are computed here as weights.
#include <algorithm>
#include <cstring>
#include <numeric>

#include "frontend/onnx/importers/importer_util.h"
#include "ir/data_types.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {

KILN_ONNX_IMPORTER(Unique) {
    const ir::HostTensor& x = inputs.weights(0);
    const int32_t rank = static_cast<int32_t>(x.dims.size());
    const bool sorted = attrs.getInt("sorted", 1) != 0;
    ONNX_CHECK(x.numel() <= (int64_t(1) << 22), kUNSUPPORTED_NODE) << "Unique of " << x.numel() << " elements at import";
    // Slices along the axis (no axis: the flattened elements): slice k holds, for each outer o and
    // inner i, element (o, k, i).
    std::vector<int64_t> dims = x.dims;
    int32_t axis = 0;
    if (attrs.has("axis")) {
        ONNX_CHECK(rank >= 1, kINVALID_NODE) << "Unique with an axis needs rank 1 or more";
        axis = normalizeAxis(attrs.getInt("axis", 0), rank);
    } else {
        dims = {x.numel()};
    }
    int64_t outer = 1, inner = 1;
    for (int32_t a = 0; a < axis; ++a) outer *= dims[a];
    for (size_t a = axis + 1; a < dims.size(); ++a) inner *= dims[a];
    const int64_t count = dims[axis];
    const bool integral = !ir::isFloatType(x.type);
    auto element = [&](int64_t k, int64_t j) { return (j / inner * count + k) * inner + j % inner; };
    // Lexicographic comparison of two slices; ties keep the earlier slice first.
    auto compare = [&](int64_t a, int64_t b) {
        for (int64_t j = 0; j < outer * inner; ++j) {
            const int64_t ea = element(a, j), eb = element(b, j);
            if (integral) {
                const int64_t va = x.intAt(ea), vb = x.intAt(eb);
                if (va != vb) return va < vb ? -1 : 1;
            } else {
                const double va = x.floatAt(ea), vb = x.floatAt(eb);
                if (va != vb) return va < vb ? -1 : 1;
            }
        }
        return 0;
    };
    std::vector<int64_t> order(count);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return compare(a, b) < 0; });

    // Groups of equal slices: first occurrence, size, and each slice's group.
    std::vector<int64_t> first, counts, group(count);
    for (size_t p = 0; p < order.size(); ++p) {
        if (p == 0 || compare(order[p - 1], order[p]) != 0) {
            first.push_back(order[p]);
            counts.push_back(0);
        }
        ++counts.back();
        group[order[p]] = static_cast<int64_t>(first.size()) - 1;
    }
    // Output position of each group: sorted by value, or by first occurrence.
    const int64_t unique = static_cast<int64_t>(first.size());
    std::vector<int64_t> groupOrder(unique), position(unique);
    std::iota(groupOrder.begin(), groupOrder.end(), 0);
    if (!sorted) std::sort(groupOrder.begin(), groupOrder.end(), [&](int64_t a, int64_t b) { return first[a] < first[b]; });
    for (int64_t u = 0; u < unique; ++u) position[groupOrder[u]] = u;

    std::vector<int64_t> yDims = dims;
    yDims[axis] = unique;
    auto y = std::make_shared<ir::HostTensor>(ir::HostTensor::make(x.type, yDims));
    const size_t size = dataTypeSize(x.type);
    const auto* in = static_cast<const uint8_t*>(x.data());
    auto* out = static_cast<uint8_t*>(y->data());
    std::vector<int64_t> indices(unique), uniqueCounts(unique), inverse(count);
    for (int64_t u = 0; u < unique; ++u) {
        const int64_t g = groupOrder[u];
        indices[u] = first[g];
        uniqueCounts[u] = counts[g];
        for (int64_t o = 0; o < outer; ++o)
            std::memcpy(out + ((o * unique + u) * inner) * size, in + ((o * count + first[g]) * inner) * size,
                        static_cast<size_t>(inner) * size);
    }
    for (int64_t k = 0; k < count; ++k) inverse[k] = position[group[k]];
    return {y, ImportContext::int64Weights(indices), ImportContext::int64Weights(inverse),
            ImportContext::int64Weights(uniqueCounts)};
}

}  // namespace kiln::onnximport
