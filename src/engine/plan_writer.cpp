#include "engine/plan_writer.h"

#include <cstring>
#include <string>
#include <variant>

#include "core/status.h"
#include "engine/checksum.h"
#include "engine/engine_generated.h"

namespace kiln::engine {
namespace {

namespace fbs = kiln::engine::fb;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

static_assert(static_cast<int>(fbs::DataType::INT16) == static_cast<int>(DataType::kINT16));
static_assert(static_cast<int>(fbs::DataType::INT64) == static_cast<int>(DataType::kINT64));
static_assert(static_cast<int>(fbs::DataType::BF16) == static_cast<int>(DataType::kBF16));
static_assert(static_cast<int>(fbs::DataType::DOUBLE) == static_cast<int>(DataType::kDOUBLE));
static_assert(static_cast<int>(fbs::DataType::FP8E5M2FNUZ) == static_cast<int>(DataType::kFP8E5M2FNUZ));
static_assert(static_cast<int>(fbs::DataType::E8M0) == static_cast<int>(DataType::kE8M0));
static_assert(static_cast<int>(fbs::DataType::UINT2) == static_cast<int>(DataType::kUINT2));
static_assert(static_cast<int>(fbs::Backend::GPU) == static_cast<int>(DeviceType::kGPU));

uint64_t alignUp(uint64_t v) { return (v + kWeightsAlignment - 1) / kWeightsAlignment * kWeightsAlignment; }

fbs::DataType toFb(DataType t) { return static_cast<fbs::DataType>(static_cast<int32_t>(t)); }

struct BlobPlacement {
    uint64_t offset;
    uint64_t checksum;
};

Offset<fbs::Attribute> writeAttribute(FlatBufferBuilder& b, const std::string& name, const ir::AttrValue& value) {
    auto nameOff = b.CreateString(name);
    fbs::AttrValue kind = fbs::AttrValue::NONE;
    Offset<void> valueOff;
    if (const auto* i = std::get_if<int64_t>(&value)) {
        kind = fbs::AttrValue::IntAttr;
        valueOff = fbs::CreateIntAttr(b, *i).Union();
    } else if (const auto* d = std::get_if<double>(&value)) {
        kind = fbs::AttrValue::DoubleAttr;
        valueOff = fbs::CreateDoubleAttr(b, *d).Union();
    } else if (const auto* s = std::get_if<std::string>(&value)) {
        kind = fbs::AttrValue::StringAttr;
        valueOff = fbs::CreateStringAttr(b, b.CreateString(*s)).Union();
    } else if (const auto* is = std::get_if<std::vector<int64_t>>(&value)) {
        kind = fbs::AttrValue::IntsAttr;
        valueOff = fbs::CreateIntsAttr(b, b.CreateVector(*is)).Union();
    } else {
        kind = fbs::AttrValue::DoublesAttr;
        valueOff = fbs::CreateDoublesAttr(b, b.CreateVector(std::get<std::vector<double>>(value))).Union();
    }
    return fbs::CreateAttribute(b, nameOff, kind, valueOff);
}

Offset<fbs::Step> writeStep(FlatBufferBuilder& b, const Step& s) {
    std::vector<Offset<fbs::Attribute>> attrs;
    for (const auto& [name, value] : s.attributes) attrs.push_back(writeAttribute(b, name, value));
    return fbs::CreateStep(b, b.CreateString(s.layerName), b.CreateString(s.opName), b.CreateVector(attrs),
                           b.CreateVector(s.inputs), b.CreateVector(s.outputs), b.CreateString(s.tacticName),
                           s.workspaceSize, toFb(s.precision), b.CreateVectorOfStrings(s.fusedFrom));
}

Offset<fbs::Profile> writeProfile(FlatBufferBuilder& b, const Profile& p) {
    std::vector<Offset<fbs::ProfileInput>> inputs;
    for (const auto& in : p.inputs) {
        inputs.push_back(fbs::CreateProfileInput(b, b.CreateString(in.name), b.CreateVector(in.min),
                                                 b.CreateVector(in.opt), b.CreateVector(in.max)));
    }
    return fbs::CreateProfile(b, b.CreateVector(inputs));
}

//! The FlatBuffer part of the file; its size does not depend on weightsOffset (a fixed-size scalar).
void buildFlatBuffer(FlatBufferBuilder& b, const Plan& plan, const std::vector<BlobPlacement>& blobs,
                     uint64_t weightsOffset, uint64_t weightsSize) {
    const Header& h = plan.header;
    auto header = fbs::CreateHeader(b, static_cast<fbs::Backend>(static_cast<int32_t>(h.backend)),
                                    b.CreateString(h.deviceName), h.computeCapability,
                                    b.CreateString(h.buildOptions));
    std::vector<Offset<fbs::Tensor>> tensors;
    for (const auto& t : plan.tensors) {
        tensors.push_back(fbs::CreateTensor(b, b.CreateString(t.name), toFb(t.type), b.CreateVector(t.dims),
                                            t.isInput, t.isOutput, t.weightIndex, t.firstStep, t.lastStep));
    }
    std::vector<Offset<fbs::Step>> steps;
    for (const auto& s : plan.steps) steps.push_back(writeStep(b, s));
    std::vector<Offset<fbs::Profile>> profiles;
    for (const auto& p : plan.profiles) profiles.push_back(writeProfile(b, p));
    std::vector<Offset<fbs::WeightsBlob>> weights;
    for (size_t i = 0; i < plan.weights.size(); ++i) {
        const Weights& w = plan.weights[i];
        weights.push_back(fbs::CreateWeightsBlob(b, toFb(w.type), b.CreateVector(w.dims), blobs[i].offset,
                                                 w.bytes.size(), blobs[i].checksum));
    }
    auto root = fbs::CreateEngine(b, plan.header.formatVersion, plan.header.libraryVersion, weightsOffset,
                                  weightsSize, header, b.CreateVector(tensors), b.CreateVector(steps),
                                  b.CreateVector(profiles), b.CreateVector(weights), plan.deviceMemorySize,
                                  b.CreateString(plan.layerInfoJson));
    fbs::FinishEngineBuffer(b, root);
}

void checkWeights(size_t index, const Weights& w) {
    uint64_t count = 1;
    for (int64_t d : w.dims) {
        KILN_CHECK(d >= 0) << "writePlan: weights #" << index << " has a negative dimension " << d;
        count *= static_cast<uint64_t>(d);
    }
    const size_t elem = dataTypeSize(w.type);
    KILN_CHECK(elem > 0) << "writePlan: weights #" << index << " has type " << dataTypeName(w.type)
                         << ", which cannot be stored";
    KILN_CHECK(count * elem == w.bytes.size())
        << "writePlan: weights #" << index << " has " << w.bytes.size() << " bytes, its " << count << " "
        << dataTypeName(w.type) << " elements need " << count * elem;
}

}  // namespace

std::vector<uint8_t> writePlan(const Plan& plan) {
    std::vector<BlobPlacement> blobs;
    uint64_t weightsSize = 0;
    for (size_t i = 0; i < plan.weights.size(); ++i) {
        const Weights& w = plan.weights[i];
        checkWeights(i, w);
        blobs.push_back({weightsSize, checksum64(w.bytes.data(), w.bytes.size())});
        weightsSize += alignUp(w.bytes.size());
    }
    // Build once to learn the FlatBuffer's size, then again with the weights offset it implies.
    FlatBufferBuilder probe(4096);
    buildFlatBuffer(probe, plan, blobs, kWeightsAlignment, weightsSize);
    const uint64_t weightsOffset = alignUp(probe.GetSize());
    FlatBufferBuilder b(probe.GetSize());
    buildFlatBuffer(b, plan, blobs, weightsOffset, weightsSize);
    KILN_CHECK_CODE(b.GetSize() == probe.GetSize(), ErrorCode::kINTERNAL_ERROR)
        << "writePlan: the engine FlatBuffer changed size between passes";

    std::vector<uint8_t> file(weightsOffset + weightsSize, 0);
    std::memcpy(file.data(), b.GetBufferPointer(), b.GetSize());
    for (size_t i = 0; i < plan.weights.size(); ++i) {
        const auto& bytes = plan.weights[i].bytes;
        if (!bytes.empty()) std::memcpy(file.data() + weightsOffset + blobs[i].offset, bytes.data(), bytes.size());
    }
    return file;
}

}  // namespace kiln::engine
