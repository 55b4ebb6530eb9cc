#include "verify/api_networks.h"

#include <cmath>

namespace kiln::test {

const std::vector<float>& NamedArrays::add(const std::string& name, std::vector<int64_t> shape, std::mt19937& rng,
                                           float scale, float mean) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    std::normal_distribution<float> dist(mean, scale);
    std::vector<float> v(static_cast<size_t>(n));
    for (auto& x : v) x = dist(rng);
    shapes[name] = std::move(shape);
    return values[name] = std::move(v);
}

Weights NamedArrays::weights(const std::string& name) const {
    const auto& v = values.at(name);
    return {DataType::kFLOAT, v.data(), static_cast<int64_t>(v.size())};
}

namespace {

Dims dimsOf(const std::vector<int64_t>& v) {
    Dims d;
    d.nbDims = static_cast<int32_t>(v.size());
    for (int32_t i = 0; i < d.nbDims; ++i) d.d[i] = v[i];
    return d;
}

Tensor* constant(NetworkDefinition& net, const NamedArrays& w, const std::string& name) {
    auto* layer = net.addConstant(dimsOf(w.shapes.at(name)), w.weights(name));
    layer->setName(name.c_str());
    return layer->getOutput(0);
}

void setProfile(OptimizationProfile& p, const char* input, Dims min, Dims opt, Dims max) {
    p.setDimensions(input, OptProfileSelector::kMIN, min);
    p.setDimensions(input, OptProfileSelector::kOPT, opt);
    p.setDimensions(input, OptProfileSelector::kMAX, max);
}

}  // namespace

Cnn::Cnn(std::mt19937& rng) {
    weights.add("conv_w", {K, C, 3, 3}, rng, 0.3f);
    weights.add("conv_b", {K}, rng, 0.1f);
    weights.add("bn_scale", {K}, rng, 0.5f);
    weights.add("bn_shift", {K}, rng, 0.2f);
    weights.add("fc_w", {K, F}, rng, 0.4f);
}

std::unique_ptr<HostMemory> Cnn::build(Logger& logger, bool markFeatures, DeviceType device, bool fp16) const {
    auto builder = createBuilder(logger, device);
    auto net = builder->createNetwork();
    auto* x = net->addInput("x", DataType::kFLOAT, makeDims({-1, C, H, W}));
    auto* conv = net->addConvolutionNd(*x, K, makeDims({3, 3}), weights.weights("conv_w"), weights.weights("conv_b"));
    conv->setPaddingNd(makeDims({1, 1}));
    conv->setName("conv");
    auto* bn = net->addScaleNd(*conv->getOutput(0), ScaleMode::kCHANNEL, weights.weights("bn_shift"),
                               weights.weights("bn_scale"), {}, 1);
    bn->setName("bn");
    auto* relu = net->addActivation(*bn->getOutput(0), ActivationType::kRELU);
    relu->getOutput(0)->setName("features");
    auto* pool = net->addReduce(*relu->getOutput(0), ReduceOperation::kAVG, 0b1100, false);
    auto* mm = net->addMatrixMultiply(*pool->getOutput(0), MatrixOperation::kNONE, *constant(*net, weights, "fc_w"),
                                      MatrixOperation::kNONE);
    auto* sm = net->addSoftMax(*mm->getOutput(0));
    sm->getOutput(0)->setName("prob");
    net->markOutput(*sm->getOutput(0));
    if (markFeatures) net->markOutput(*relu->getOutput(0));
    auto config = builder->createBuilderConfig();
    config->clearFlag(BuilderFlag::kTF32);  // compared with the CPU engine at float32 tolerances
    if (fp16) config->setFlag(BuilderFlag::kFP16);
    auto* profile = builder->createOptimizationProfile();
    setProfile(*profile, "x", makeDims({1, C, H, W}), makeDims({3, C, H, W}), makeDims({6, C, H, W}));
    config->addOptimizationProfile(profile);
    return builder->buildSerializedNetwork(*net, *config);
}

TransformerBlock::TransformerBlock(std::mt19937& rng) {
    for (const char* ln : {"ln1", "ln2"}) {
        weights.add(std::string(ln) + "_scale", {1, 1, D}, rng, 0.1f, 1.0f);
        weights.add(std::string(ln) + "_bias", {1, 1, D}, rng, 0.1f);
    }
    const float s = 1.0f / std::sqrt(static_cast<float>(D));
    for (const char* p : {"q", "k", "v", "o"}) {
        weights.add(std::string("w") + p, {D, D}, rng, s);
        weights.add(std::string("b") + p, {1, 1, D}, rng, 0.05f);
    }
    weights.add("w1", {D, FFN}, rng, s);
    weights.add("b1", {1, 1, FFN}, rng, 0.05f);
    weights.add("w2", {FFN, D}, rng, 1.0f / std::sqrt(static_cast<float>(FFN)));
    weights.add("b2", {1, 1, D}, rng, 0.05f);
}

std::unique_ptr<HostMemory> TransformerBlock::build(Logger& logger, DeviceType device, bool fp16) const {
    auto builder = createBuilder(logger, device);
    auto net = builder->createNetwork();
    auto* x = net->addInput("x", DataType::kFLOAT, makeDims({-1, -1, D}));
    auto layerNorm = [&](Tensor& t, const std::string& name) {
        auto* n = net->addNormalization(t, *constant(*net, weights, name + "_scale"),
                                        *constant(*net, weights, name + "_bias"), 1u << 2);
        n->setName(name.c_str());
        return n->getOutput(0);
    };
    auto linear = [&](Tensor& t, const std::string& w, const std::string& b) {
        auto* mm = net->addMatrixMultiply(t, MatrixOperation::kNONE, *constant(*net, weights, w), MatrixOperation::kNONE);
        return net->addElementWise(*mm->getOutput(0), *constant(*net, weights, b), ElementWiseOperation::kSUM)
            ->getOutput(0);
    };
    // [B, S, D] → [B, HEADS, S, DH], with the reshape dims computed from Shape(x) as exporters do.
    auto* shape = net->addShape(*x)->getOutput(0);
    static const int32_t kBatchAndSeq[2] = {0, 1};
    auto* idx = net->addConstant(makeDims({2}), {DataType::kINT32, kBatchAndSeq, 2})->getOutput(0);
    auto* bs = net->addGather(*shape, *idx, 0)->getOutput(0);
    static const int64_t kHeads[2] = {HEADS, DH};
    auto* hd = net->addConstant(makeDims({2}), {DataType::kINT64, kHeads, 2})->getOutput(0);
    Tensor* parts[2] = {bs, hd};
    auto* splitDims = net->addConcatenation(parts, 2)->getOutput(0);
    auto splitHeads = [&](Tensor* t) {
        auto* s = net->addShuffle(*t);
        s->setInput(1, *splitDims);
        s->setSecondTranspose({{0, 2, 1, 3}});
        return s->getOutput(0);
    };
    Tensor* ln1 = layerNorm(*x, "ln1");
    Tensor* q = splitHeads(linear(*ln1, "wq", "bq"));
    Tensor* k = splitHeads(linear(*ln1, "wk", "bk"));
    Tensor* v = splitHeads(linear(*ln1, "wv", "bv"));
    auto* scores = net->addMatrixMultiply(*q, MatrixOperation::kNONE, *k, MatrixOperation::kTRANSPOSE)->getOutput(0);
    static const float kScale = 1.0f / std::sqrt(static_cast<float>(DH));
    auto* scale = net->addConstant(makeDims({1, 1, 1, 1}), {DataType::kFLOAT, &kScale, 1})->getOutput(0);
    auto* scaled = net->addElementWise(*scores, *scale, ElementWiseOperation::kPROD)->getOutput(0);
    auto* softmax = net->addSoftMax(*scaled);
    softmax->setAxes(1u << 3);
    auto* context = net->addMatrixMultiply(*softmax->getOutput(0), MatrixOperation::kNONE, *v, MatrixOperation::kNONE);
    auto* merge = net->addShuffle(*context->getOutput(0));
    merge->setFirstTranspose({{0, 2, 1, 3}});
    merge->setReshapeDimensions(makeDims({0, 0, D}));
    Tensor* attn = linear(*merge->getOutput(0), "wo", "bo");
    auto* res1 = net->addElementWise(*x, *attn, ElementWiseOperation::kSUM)->getOutput(0);
    Tensor* ln2 = layerNorm(*res1, "ln2");
    auto* gelu = net->addActivation(*linear(*ln2, "w1", "b1"), ActivationType::kGELU_ERF)->getOutput(0);
    auto* y = net->addElementWise(*res1, *linear(*gelu, "w2", "b2"), ElementWiseOperation::kSUM)->getOutput(0);
    y->setName("y");
    net->markOutput(*y);

    auto config = builder->createBuilderConfig();
    config->clearFlag(BuilderFlag::kTF32);  // compared with the CPU engine at float32 tolerances
    if (fp16) config->setFlag(BuilderFlag::kFP16);
    auto* p0 = builder->createOptimizationProfile();
    setProfile(*p0, "x", makeDims({1, 1, D}), makeDims({2, 4, D}), makeDims({4, 8, D}));
    config->addOptimizationProfile(p0);
    auto* p1 = builder->createOptimizationProfile();
    setProfile(*p1, "x", makeDims({1, 8, D}), makeDims({2, 16, D}), makeDims({2, 32, D}));
    config->addOptimizationProfile(p1);
    return builder->buildSerializedNetwork(*net, *config);
}

}  // namespace kiln::test
