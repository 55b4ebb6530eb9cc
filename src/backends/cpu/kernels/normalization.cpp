// Normalization reference (layer / instance / group norm): each element belongs to one
// statistics slot (its index with the reduced dims dropped, and for group norm the channel
// replaced by its group); mean and population variance per slot in double, two passes.
#include "ir/ops/normalization.h"

#include <cmath>
#include <type_traits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"

namespace kiln::cpu {
namespace {

//! Strides that read a scale/bias view broadcast over x's dims (0 where the param has size 1).
std::vector<int64_t> paramStrides(const ir::TensorView& p, const ir::TensorView& x, bool group) {
    const int32_t rank = x.rank;
    std::vector<int64_t> dims(rank, 1);
    if (group && p.rank == 1) {
        dims[1] = p.dims[0];  // [C] is the channel vector
    } else {
        KILN_CHECK(p.rank <= rank) << "Normalization: scale/bias rank " << p.rank << " exceeds input rank " << rank;
        for (int32_t d = 0; d < p.rank; ++d) dims[rank - p.rank + d] = p.dims[d];
    }
    std::vector<int64_t> strides(rank, 0);
    int64_t s = 1;
    for (int32_t d = rank - 1; d >= 0; --d) {
        KILN_CHECK(dims[d] == 1 || dims[d] == x.dims[d])
            << "Normalization: scale/bias dim " << dims[d] << " does not broadcast to input dim " << x.dims[d];
        if (dims[d] != 1) strides[d] = s;
        s *= dims[d];
    }
    return strides;
}

void normalizationReference(KernelArgs& args) {
    const auto& op = args.opAs<ir::NormalizationOp>();
    const ir::TensorView& x = args.inputs[0];
    const int32_t rank = x.rank;
    const bool group = op.nbGroups > 1;
    std::vector<bool> reduced(rank, false);
    for (int64_t a : op.axes) reduced[normalizedAxis(a, rank, "Normalization")] = true;
    int64_t perGroup = 1;
    if (group) {
        KILN_CHECK(rank >= 2 && x.dims[1] % op.nbGroups == 0)
            << "Normalization: channels are not divisible by nbGroups " << op.nbGroups;
        perGroup = x.dims[1] / op.nbGroups;
    }
    const int64_t total = x.numel();
    // Slot and broadcast-param index of every element.
    std::vector<int64_t> slot(total, 0), scaleAt(total, 0), biasAt(total, 0);
    const std::vector<int64_t> scaleStride = paramStrides(args.inputs[1], x, group);
    const std::vector<int64_t> biasStride = paramStrides(args.inputs[2], x, group);
    int64_t nbSlots = 1, stride = 1;
    for (int32_t d = rank - 1; d >= 0; --d) {
        const int64_t size = x.dims[d];
        const int64_t slotSize = group && d == 1 ? op.nbGroups : reduced[d] ? 1 : size;
        for (int64_t i = 0; i < total; ++i) {
            const int64_t idx = (i / stride) % size;
            const int64_t slotIdx = group && d == 1 ? idx / perGroup : reduced[d] ? 0 : idx;
            slot[i] += slotIdx * nbSlots;
            scaleAt[i] += idx * scaleStride[d];
            biasAt[i] += idx * biasStride[d];
        }
        stride *= size;
        nbSlots *= slotSize;
    }
    dispatchType(x.type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (!isFloatStorage<T>()) {
            KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "Normalization: only float types are supported";
        } else {
            const T* src = x.as<const T>();
            std::vector<double> mean(nbSlots, 0), var(nbSlots, 0), count(nbSlots, 0);
            for (int64_t i = 0; i < total; ++i) {
                mean[slot[i]] += load(src, i);
                count[slot[i]] += 1;
            }
            for (int64_t s = 0; s < nbSlots; ++s) mean[s] = count[s] ? mean[s] / count[s] : 0;
            for (int64_t i = 0; i < total; ++i) {
                const double dv = load(src, i) - mean[slot[i]];
                var[slot[i]] += dv * dv;
            }
            for (int64_t s = 0; s < nbSlots; ++s) var[s] = count[s] ? var[s] / count[s] : 0;
            T* dst = args.outputs[0].as<T>();
            for (int64_t i = 0; i < total; ++i) {
                const double norm = (load(src, i) - mean[slot[i]]) / std::sqrt(var[slot[i]] + op.epsilon);
                store(dst, i,
                      norm * loadAsDouble(args.inputs[1], scaleAt[i]) + loadAsDouble(args.inputs[2], biasAt[i]));
            }
        }
    });
}

Tactic reference() {
    Tactic t;
    t.name = "reference";
    t.run = normalizationReference;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Normalization", reference());

}  // namespace
}  // namespace kiln::cpu
