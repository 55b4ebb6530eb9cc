// Networks built by hand through the public API, as TensorRT's samples build them: a small CNN
// with batch norm and a transformer encoder block with dynamic batch and sequence length. The
// gtests and the numpy cross-check (api_networks_dump + check_api_networks.py) share them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kiln/kiln.h"

namespace kiln::test {

//! Named float tensors (weights) with their shapes, so a reference can be computed elsewhere.
struct NamedArrays {
    std::map<std::string, std::vector<float>> values;
    std::map<std::string, std::vector<int64_t>> shapes;
    const std::vector<float>& add(const std::string& name, std::vector<int64_t> shape, std::mt19937& rng, float scale,
                                  float mean = 0.f);
    Weights weights(const std::string& name) const;
};

//! x [N, 3, 9, 7] → conv 3x3 pad 1 (8) → batch-norm scale → relu ("features") → global average
//! pool → matmul [8, 5] → softmax ("prob"). Dynamic N in [1, 6], OPT 3.
struct Cnn {
    static constexpr int C = 3, K = 8, H = 9, W = 7, F = 5;
    NamedArrays weights;
    explicit Cnn(std::mt19937& rng);
    //! fp16: BuilderFlag::kFP16 (GPU builds run their layers in half where a kernel can).
    std::unique_ptr<HostMemory> build(Logger& logger, bool markFeatures, DeviceType device = DeviceType::kCPU,
                                      bool fp16 = false) const;
};

//! Pre-norm transformer encoder block, x [B, S, 16] → y [B, S, 16], 2 heads, FFN 32, with the
//! Shape → Gather → Concat → Reshape pattern that exporters emit for the head split.
//! Two profiles: 0: B [1, 4], S [1, 8]; 1: B [1, 2], S [8, 32].
struct TransformerBlock {
    static constexpr int D = 16, HEADS = 2, DH = 8, FFN = 32;
    NamedArrays weights;
    explicit TransformerBlock(std::mt19937& rng);
    std::unique_ptr<HostMemory> build(Logger& logger, DeviceType device = DeviceType::kCPU, bool fp16 = false) const;
};

}  // namespace kiln::test
