// CUDA tactic for Resize: the host builds each axis's taps with the reference kernel's own
// code (cpu::resize::axisTaps, so every mode and coordinate transformation agrees with the
// CPU), copies the tables into the workspace and launches one kernel. Scales given as a
// tensor (input 1) are read back from the device first: a few numbers, and the taps need them.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "backends/cpu/kernels/resize_taps.h"
#include "backends/cuda/kernels/resize.h"
#include "backends/cuda/tactic.h"
#include "core/status.h"
#include "ir/ops/resize.h"

namespace kiln::cuda {
namespace {

constexpr size_t kAlign = 16;
size_t alignUp(size_t v) { return (v + kAlign - 1) / kAlign * kAlign; }

bool isFloat(DataType t) {
    return t == DataType::kFLOAT || t == DataType::kHALF || t == DataType::kBF16 || t == DataType::kDOUBLE;
}

//! Taps an axis can have at most: an antialiased filter on a shrinking axis covers about
//! 4 / scale inputs per output, and scale >= out / in (out = floor(in * scale)).
int64_t tapBound(const ir::ResizeOp& op, int64_t in, int64_t out) {
    const bool antialias = op.antialias && op.mode != InterpolationMode::kNEAREST;
    return antialias ? 4 * in + 4 * out + 4 : 4 * out + 1;
}

size_t workspaceFor(const ir::ResizeOp& op, const KernelArgs& a) {
    const ir::TensorView& x = a.inputs[0];
    const ir::TensorView& y = a.outputs[0];
    size_t starts = 0, taps = 0;
    for (int32_t d = 0; d < x.rank; ++d) {
        starts += alignUp(static_cast<size_t>(y.dims[d] + 1) * sizeof(int32_t));
        taps += static_cast<size_t>(tapBound(op, x.dims[d], y.dims[d]));
    }
    return starts + alignUp(taps * sizeof(int32_t)) + alignUp(taps * sizeof(double));
}

//! Input 1's scales copied to the host, so that the reference's axisScales can read them.
std::vector<double> scalesOf(const ir::ResizeOp& op, const KernelArgs& a) {
    KernelArgs host = a;
    std::vector<uint8_t> bytes;
    if (a.has(1) && isFloat(a.inputs[1].type)) {
        bytes.resize(a.inputs[1].bytes());
        check(cudaMemcpyAsync(bytes.data(), a.inputs[1].data, bytes.size(), cudaMemcpyDeviceToHost, streamOf(a)),
              "Resize: cudaMemcpyAsync (scales)");
        check(cudaStreamSynchronize(streamOf(a)), "Resize: cudaStreamSynchronize");
        host.inputs[1].data = bytes.data();
    }
    return cpu::resize::axisScales(op, host);
}

void runResize(KernelArgs& a) {
    const auto& op = a.opAs<ir::ResizeOp>();
    const ir::TensorView& x = a.inputs[0];
    ir::TensorView& y = a.outputs[0];
    if (y.numel() == 0) return;
    KILN_CHECK(x.numel() > 0) << "Resize: cannot fill a non-empty output from an empty input";
    KILN_CHECK(x.rank <= kResizeMaxRank) << "Resize: rank " << x.rank << " is above " << kResizeMaxRank;
    const std::vector<double> scales = scalesOf(op, a);
    // Host image of the workspace: starts per axis, then indices, then weights.
    std::vector<std::vector<int32_t>> starts(static_cast<size_t>(x.rank));
    std::vector<int32_t> index;
    std::vector<double> weight;
    for (int32_t d = 0; d < x.rank; ++d) {
        auto taps = cpu::resize::axisTaps(op, x.dims[d], y.dims[d], scales[static_cast<size_t>(d)], d);
        for (const auto& out : taps) {
            starts[static_cast<size_t>(d)].push_back(static_cast<int32_t>(index.size()));
            for (const auto& t : out) {
                index.push_back(static_cast<int32_t>(t.index));
                weight.push_back(t.weight);
            }
        }
        starts[static_cast<size_t>(d)].push_back(static_cast<int32_t>(index.size()));
    }
    size_t need = alignUp(index.size() * sizeof(int32_t)) + alignUp(weight.size() * sizeof(double));
    for (const auto& s : starts) need += alignUp(s.size() * sizeof(int32_t));
    KILN_CHECK(need <= a.workspaceSize) << "Resize: the taps need " << need << " bytes of workspace, "
                                        << a.workspaceSize << " were given";
    std::vector<uint8_t> image(need);
    ResizeTables tables;
    tables.rank = x.rank;
    auto* base = static_cast<uint8_t*>(a.workspace);
    size_t at = 0;
    auto place = [&](const void* src, size_t bytes) {
        std::memcpy(image.data() + at, src, bytes);
        const size_t placed = at;
        at += alignUp(bytes);
        return base + placed;
    };
    for (int32_t d = 0; d < x.rank; ++d) {
        const auto& s = starts[static_cast<size_t>(d)];
        tables.starts[d] = reinterpret_cast<const int32_t*>(place(s.data(), s.size() * sizeof(int32_t)));
        tables.outDims[d] = y.dims[d];
    }
    tables.index = reinterpret_cast<const int32_t*>(place(index.data(), index.size() * sizeof(int32_t)));
    tables.weight = reinterpret_cast<const double*>(place(weight.data(), weight.size() * sizeof(double)));
    int64_t stride = 1;
    for (int32_t d = x.rank - 1; d >= 0; --d) tables.inStrides[d] = stride, stride *= x.dims[d];
    // A pageable host-to-device copy returns once the bytes are staged: `image` may go after it.
    check(cudaMemcpyAsync(a.workspace, image.data(), image.size(), cudaMemcpyHostToDevice, streamOf(a)),
          "Resize: cudaMemcpyAsync (taps)");
    check(launchResize(x.type, op.mode == InterpolationMode::kNEAREST, x.data, y.data, y.numel(), tables,
                       op.extrapolationValue, a.stream),
          "Resize: resize kernel");
}

Tactic resizeTactic() {
    Tactic t;
    t.name = "cuda_resize";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        const auto& r = static_cast<const ir::ResizeOp&>(op);
        if (in.empty() || in[0].shape.size() > static_cast<size_t>(kResizeMaxRank)) return false;
        const DataType t = in[0].type;
        // Interpolation in the reference's types (float, half, bf16; not double).
        if (r.mode != InterpolationMode::kNEAREST) return isFloat(t) && t != DataType::kDOUBLE;
        // The nearest kernel's types (dispatchAll).
        return isFloat(t) || t == DataType::kINT8 || t == DataType::kUINT8 || t == DataType::kBOOL ||
               t == DataType::kINT32 || t == DataType::kINT64;
    };
    t.workspaceSize = [](const KernelArgs& a) { return workspaceFor(a.opAs<ir::ResizeOp>(), a); };
    t.run = runResize;
    return t;
}

KILN_REGISTER_CUDA_TACTIC("Resize", resizeTactic());

}  // namespace
}  // namespace kiln::cuda
