// Small helpers shared by the layer implementations.
#pragma once

#include <cstdint>
#include <vector>

#include "kiln/types.h"

namespace kiln {

inline std::vector<int64_t> toVector(const Dims& d) {
    std::vector<int64_t> v;
    for (int32_t i = 0; i < d.nbDims && i < Dims::MAX_DIMS; ++i) v.push_back(d.d[i]);
    return v;
}

inline Dims toDims(const std::vector<int64_t>& v) {
    Dims d;
    d.nbDims = static_cast<int32_t>(v.size() > Dims::MAX_DIMS ? Dims::MAX_DIMS : v.size());
    for (int32_t i = 0; i < d.nbDims; ++i) d.d[i] = v[i];
    return d;
}

inline std::vector<int64_t> axesFromMask(uint32_t mask) {
    std::vector<int64_t> axes;
    for (int64_t i = 0; i < 32; ++i)
        if (mask & (1u << i)) axes.push_back(i);
    return axes;
}

inline std::vector<int64_t> toPermutation(const Permutation& p, int32_t rank) {
    std::vector<int64_t> v;
    for (int32_t i = 0; i < rank && i < Dims::MAX_DIMS; ++i) v.push_back(p.order[i]);
    return v;
}

}  // namespace kiln
