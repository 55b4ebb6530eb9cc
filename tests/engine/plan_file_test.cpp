// The engine file: writer/reader round trip, the compatibility messages, and hostile files
// (truncated, every byte flipped, forged headers and weights) that must give a KilnError, never a crash.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <functional>
#include <random>

#include "core/status.h"
#include "engine/checksum.h"
#include "engine/compatibility.h"
#include "engine/engine_generated.h"
#include "engine/plan_reader.h"
#include "engine/plan_writer.h"
#include "kiln/version.h"

namespace kiln::engine {
namespace {

namespace fbs = kiln::engine::fb;

Weights makeWeights(DataType type, std::vector<int64_t> dims, uint8_t seed) {
    Weights w;
    w.type = type;
    w.dims = std::move(dims);
    size_t count = 1;
    for (int64_t d : w.dims) count *= static_cast<size_t>(d);
    w.bytes.resize(count * dataTypeSize(type));
    for (size_t i = 0; i < w.bytes.size(); ++i) w.bytes[i] = static_cast<uint8_t>(i * 31 + seed);
    return w;
}

TensorSlot slot(std::string name, DataType type, std::vector<int64_t> dims, int32_t first, int32_t last) {
    TensorSlot t;
    t.name = std::move(name);
    t.type = type;
    t.dims = std::move(dims);
    t.firstStep = first;
    t.lastStep = last;
    return t;
}

//! A plan with every field set: attributes of all five kinds, weights of odd sizes, two profiles.
Plan fullPlan() {
    Plan p;
    p.header.libraryVersion = KILN_VERSION;
    p.header.backend = DeviceType::kGPU;
    p.header.deviceName = "NVIDIA H100 80GB HBM3";
    p.header.computeCapability = 90;
    p.header.buildOptions = "fp16 tf32 level=3";
    p.tensors.push_back(slot("input", DataType::kFLOAT, {-1, 3, 7}, -1, 0));
    p.tensors.back().isInput = true;
    p.tensors.push_back(slot("w0", DataType::kFLOAT, {3, 7}, -1, 0));
    p.tensors.back().weightIndex = 0;
    p.tensors.push_back(slot("w1", DataType::kINT8, {13}, -1, 1));
    p.tensors.back().weightIndex = 1;
    p.tensors.push_back(slot("w2", DataType::kHALF, {1, 1, 257}, -1, 1));
    p.tensors.back().weightIndex = 2;
    p.tensors.push_back(slot("empty", DataType::kINT64, {0, 5}, -1, 1));
    p.tensors.back().weightIndex = 3;
    p.tensors.push_back(slot("scalar", DataType::kBOOL, {}, -1, 1));
    p.tensors.back().weightIndex = 4;
    p.tensors.push_back(slot("mid", DataType::kHALF, {-1, 3, 7}, 0, 1));
    p.tensors.push_back(slot("out", DataType::kFLOAT, {-1, 257}, 1, 1));
    p.tensors.back().isOutput = true;
    p.weights.push_back(makeWeights(DataType::kFLOAT, {3, 7}, 1));
    p.weights.push_back(makeWeights(DataType::kINT8, {13}, 2));
    p.weights.push_back(makeWeights(DataType::kHALF, {1, 1, 257}, 3));
    p.weights.push_back(makeWeights(DataType::kINT64, {0, 5}, 4));
    p.weights.push_back(makeWeights(DataType::kBOOL, {}, 5));

    Step s0;
    s0.layerName = "conv1";
    s0.opName = "Convolution";
    s0.attributes["group"] = int64_t{-3};
    s0.attributes["alpha"] = 0.125;
    s0.attributes["mode"] = std::string("constant\0pad", 12);
    s0.attributes["pads"] = std::vector<int64_t>{1, -1, INT64_MAX, INT64_MIN};
    s0.attributes["scales"] = std::vector<double>{1.5, -0.0, 1e300};
    s0.attributes["empty_ints"] = std::vector<int64_t>{};
    s0.inputs = {0, 1, -1};
    s0.outputs = {6};
    s0.tacticName = "conv2d_nhwc_fp16_bias_relu";
    s0.workspaceSize = (uint64_t{1} << 40) + 3;
    s0.precision = DataType::kHALF;
    s0.fusedFrom = {"conv1", "bias1", "relu1"};
    Step s1;
    s1.layerName = "matmul";
    s1.opName = "MatrixMultiply";
    s1.inputs = {6, 2, 3, 4, 5};
    s1.outputs = {7};
    s1.tacticName = "reference";
    p.steps = {s0, s1};

    Profile a, b;
    a.inputs.push_back({"input", {1, 3, 7}, {4, 3, 7}, {16, 3, 7}});
    b.inputs.push_back({"input", {0, 3, 7}, {0, 3, 7}, {1, 3, 7}});
    p.profiles = {a, b};
    p.deviceMemorySize = 123456789012ull;
    p.layerInfoJson = R"({"Layers": ["conv1", "matmul"]})";
    return p;
}

//! The smallest plan that still has a weights blob, a step and a profile (for byte-by-byte tests).
Plan smallPlan() {
    Plan p;
    p.header.libraryVersion = KILN_VERSION;
    p.header.deviceName = "cpu";
    p.tensors.push_back(slot("x", DataType::kFLOAT, {-1, 2}, -1, 0));
    p.tensors.back().isInput = true;
    p.tensors.push_back(slot("w", DataType::kFLOAT, {2}, -1, 0));
    p.tensors.back().weightIndex = 0;
    p.tensors.push_back(slot("y", DataType::kFLOAT, {-1, 2}, 0, 0));
    p.tensors.back().isOutput = true;
    p.weights.push_back(makeWeights(DataType::kFLOAT, {2}, 7));
    Step s;
    s.layerName = "add";
    s.opName = "ElementWise";
    s.attributes["op"] = int64_t{0};
    s.inputs = {0, 1};
    s.outputs = {2};
    p.steps = {s};
    Profile prof;
    prof.inputs.push_back({"x", {1, 2}, {2, 2}, {4, 2}});
    p.profiles = {prof};
    return p;
}

void expectEqual(const Plan& a, const Plan& b) {
    EXPECT_EQ(a.header.formatVersion, b.header.formatVersion);
    EXPECT_EQ(a.header.libraryVersion, b.header.libraryVersion);
    EXPECT_EQ(a.header.backend, b.header.backend);
    EXPECT_EQ(a.header.deviceName, b.header.deviceName);
    EXPECT_EQ(a.header.computeCapability, b.header.computeCapability);
    EXPECT_EQ(a.header.buildOptions, b.header.buildOptions);
    ASSERT_EQ(a.tensors.size(), b.tensors.size());
    for (size_t i = 0; i < a.tensors.size(); ++i) {
        const TensorSlot &x = a.tensors[i], &y = b.tensors[i];
        EXPECT_EQ(x.name, y.name);
        EXPECT_EQ(x.type, y.type);
        EXPECT_EQ(x.dims, y.dims);
        EXPECT_EQ(x.isInput, y.isInput);
        EXPECT_EQ(x.isOutput, y.isOutput);
        EXPECT_EQ(x.weightIndex, y.weightIndex);
        EXPECT_EQ(x.firstStep, y.firstStep);
        EXPECT_EQ(x.lastStep, y.lastStep);
    }
    ASSERT_EQ(a.steps.size(), b.steps.size());
    for (size_t i = 0; i < a.steps.size(); ++i) {
        const Step &x = a.steps[i], &y = b.steps[i];
        EXPECT_EQ(x.layerName, y.layerName);
        EXPECT_EQ(x.opName, y.opName);
        EXPECT_EQ(x.attributes, y.attributes);
        EXPECT_EQ(x.inputs, y.inputs);
        EXPECT_EQ(x.outputs, y.outputs);
        EXPECT_EQ(x.tacticName, y.tacticName);
        EXPECT_EQ(x.workspaceSize, y.workspaceSize);
        EXPECT_EQ(x.precision, y.precision);
        EXPECT_EQ(x.fusedFrom, y.fusedFrom);
    }
    ASSERT_EQ(a.profiles.size(), b.profiles.size());
    for (size_t i = 0; i < a.profiles.size(); ++i) {
        ASSERT_EQ(a.profiles[i].inputs.size(), b.profiles[i].inputs.size());
        for (size_t j = 0; j < a.profiles[i].inputs.size(); ++j) {
            const ProfileInput &x = a.profiles[i].inputs[j], &y = b.profiles[i].inputs[j];
            EXPECT_EQ(x.name, y.name);
            EXPECT_EQ(x.min, y.min);
            EXPECT_EQ(x.opt, y.opt);
            EXPECT_EQ(x.max, y.max);
        }
    }
    ASSERT_EQ(a.weights.size(), b.weights.size());
    for (size_t i = 0; i < a.weights.size(); ++i) {
        EXPECT_EQ(a.weights[i].type, b.weights[i].type);
        EXPECT_EQ(a.weights[i].dims, b.weights[i].dims);
        EXPECT_EQ(a.weights[i].bytes, b.weights[i].bytes);
    }
    EXPECT_EQ(a.deviceMemorySize, b.deviceMemorySize);
    EXPECT_EQ(a.layerInfoJson, b.layerInfoJson);
}

//! Reads `file` from an exactly sized heap copy (so ASan sees any over-read); returns the error.
std::string readError(const std::vector<uint8_t>& file, ErrorCode expected = ErrorCode::kINVALID_ARGUMENT) {
    std::vector<uint8_t> copy(file);
    try {
        readPlan(copy.data(), copy.size());
    } catch (const KilnError& e) {
        EXPECT_EQ(e.code(), expected) << e.what();
        return e.what();
    }
    ADD_FAILURE() << "readPlan accepted a bad file";
    return {};
}

std::string readError(const Plan& plan, ErrorCode expected = ErrorCode::kINVALID_ARGUMENT) {
    return readError(writePlan(plan), expected);
}

#define EXPECT_CONTAINS(haystack, needle)                                         \
    do {                                                                          \
        const std::string text_ = (haystack);                                     \
        EXPECT_NE(text_.find(needle), std::string::npos) << "message: " << text_; \
    } while (0)

TEST(PlanFile, RoundTripEveryField) {
    const Plan plan = fullPlan();
    const auto file = writePlan(plan);
    const Plan back = readPlan(file.data(), file.size());
    expectEqual(plan, back);
    EXPECT_EQ(writePlan(back), file);  // deterministic
}

TEST(PlanFile, WeightsAreAlignedAndChecksummed) {
    const Plan plan = fullPlan();
    const auto file = writePlan(plan);
    const auto* e = fbs::GetEngine(file.data());
    EXPECT_EQ(e->weights_offset() % kWeightsAlignment, 0u);
    EXPECT_EQ(e->weights_offset() + e->weights_size(), file.size());
    ASSERT_EQ(e->weights()->size(), plan.weights.size());
    for (size_t i = 0; i < plan.weights.size(); ++i) {
        const auto* w = e->weights()->Get(i);
        EXPECT_EQ(w->offset() % kWeightsAlignment, 0u);
        EXPECT_EQ(w->size(), plan.weights[i].bytes.size());
        EXPECT_EQ(w->checksum(), checksum64(plan.weights[i].bytes.data(), plan.weights[i].bytes.size()));
        const uint8_t* stored = file.data() + e->weights_offset() + w->offset();
        EXPECT_EQ(std::vector<uint8_t>(stored, stored + w->size()), plan.weights[i].bytes);
    }
}

TEST(PlanFile, RoundTripEmptyPlanAndMisalignedData) {
    Plan empty;
    empty.header.libraryVersion = KILN_VERSION;
    const auto file = writePlan(empty);
    expectEqual(empty, readPlan(file.data(), file.size()));

    const Plan plan = fullPlan();
    const auto full = writePlan(plan);
    for (size_t shift : {1, 3, 5}) {
        std::vector<uint8_t> buffer(full.size() + shift);
        std::memcpy(buffer.data() + shift, full.data(), full.size());
        expectEqual(plan, readPlan(buffer.data() + shift, full.size()));
    }
}

TEST(PlanFile, Checksum64MatchesXxh64) {
    std::vector<uint8_t> a(7), b(100), c(1000);
    for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>(i);
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(i);
    for (size_t i = 0; i < c.size(); ++i) c[i] = static_cast<uint8_t>(i * 7 % 251);
    EXPECT_EQ(checksum64(nullptr, 0), 0xef46db3751d8e999ull);
    EXPECT_EQ(checksum64("abc", 3), 0x44bc2cf5ad770999ull);
    EXPECT_EQ(checksum64(a.data(), a.size()), 0x14cc643f630c72d2ull);
    EXPECT_EQ(checksum64(b.data(), b.size()), 0x6ac1e58032166597ull);
    EXPECT_EQ(checksum64(c.data(), c.size()), 0x23fd2ed1ff957d5ull);
}

TEST(PlanFile, EmptyAndTinyInput) {
    EXPECT_CONTAINS(readError(std::vector<uint8_t>{}), "empty");
    EXPECT_THROW(readPlan(nullptr, 0), KilnError);
    EXPECT_THROW(readPlan(nullptr, 100), KilnError);
    EXPECT_CONTAINS(readError(std::vector<uint8_t>{0, 0, 0, 0, 'K', 'I', 'L', 'N'}), "not a Kiln engine plan file");
}

TEST(PlanFile, WrongMagic) {
    auto file = writePlan(smallPlan());
    file[5] = 'X';
    EXPECT_CONTAINS(readError(file), "not a Kiln engine plan file");
    const std::string text = "this is a text file, not an engine at all";
    EXPECT_CONTAINS(readError(std::vector<uint8_t>(text.begin(), text.end())), "not a Kiln engine plan file");
}

TEST(PlanFile, WrongFormatVersionGivesTheSpecMessage) {
    Plan plan = smallPlan();
    plan.header.formatVersion = kFormatVersion + 1;
    const std::string expected = "The engine plan file is not compatible with this version of Kiln, expecting format "
                                 "version 1 got 2, please rebuild.";
    auto file = writePlan(plan);
    EXPECT_EQ(readError(file, ErrorCode::kINVALID_STATE), expected);
    // A file of another format version is not verified: even a damaged one gets the version message.
    file.resize(file.size() - 100);
    EXPECT_EQ(readError(file, ErrorCode::kINVALID_STATE), expected);
}

TEST(PlanFile, WrongLibraryVersionGivesTheSpecMessage) {
    Plan plan = smallPlan();
    plan.header.libraryVersion = 1020304;
    EXPECT_EQ(readError(plan, ErrorCode::kINVALID_STATE),
              "The engine plan file is not compatible with this version of Kiln, expecting library version " +
                  versionString(KILN_VERSION) + " got 1.2.3.4, please rebuild.");
}

TEST(PlanFile, ChecksumMismatchNamesTheTensor) {
    const Plan plan = fullPlan();
    auto file = writePlan(plan);
    const auto* e = fbs::GetEngine(file.data());
    const size_t at = e->weights_offset() + e->weights()->Get(2)->offset() + 100;
    file[at] ^= 0x10;
    EXPECT_EQ(readError(file), "engine plan file is corrupted: weights checksum mismatch for tensor 'w2' (#3)");
}

TEST(PlanFile, TruncatedAtEveryLength) {
    const auto file = writePlan(smallPlan());
    for (size_t len = 0; len < file.size(); ++len) {
        std::vector<uint8_t> prefix(file.begin(), file.begin() + static_cast<ptrdiff_t>(len));
        EXPECT_THROW(readPlan(prefix.data(), prefix.size()), KilnError) << "length " << len;
    }
    std::vector<uint8_t> longer(file);
    longer.push_back(0);
    EXPECT_CONTAINS(readError(longer), "unexpected data");
    std::vector<uint8_t> half(file.begin(), file.begin() + static_cast<ptrdiff_t>(file.size() - 10));
    EXPECT_CONTAINS(readError(half), "truncated");
}

//! Whatever a damaged file reads as, it must be a plan the writer and reader agree on.
void expectErrorOrValidPlan(const std::vector<uint8_t>& file, int& accepted) {
    try {
        const Plan plan = readPlan(file.data(), file.size());
        ++accepted;
        const auto again = writePlan(plan);
        expectEqual(plan, readPlan(again.data(), again.size()));
    } catch (const KilnError&) {
    }
}

TEST(PlanFile, EveryByteFlipped) {
    const auto file = writePlan(smallPlan());
    int accepted = 0;
    for (size_t i = 0; i < file.size(); ++i) {
        for (uint8_t mask : {0x01, 0x80, 0xff}) {
            std::vector<uint8_t> bad(file);
            bad[i] ^= mask;
            expectErrorOrValidPlan(bad, accepted);
        }
    }
    // Most flips are caught; those accepted change a string, a flag or a number no check can know.
    EXPECT_LT(accepted, static_cast<int>(file.size()) * 3);
}

TEST(PlanFile, RandomDamage) {
    std::mt19937 rng(1234);
    const auto file = writePlan(fullPlan());
    int accepted = 0;
    for (int iter = 0; iter < 300; ++iter) {
        std::vector<uint8_t> bad(file);
        const int n = 1 + static_cast<int>(rng() % 8);
        for (int k = 0; k < n; ++k) bad[rng() % bad.size()] = static_cast<uint8_t>(rng());
        expectErrorOrValidPlan(bad, accepted);
    }
}

//! A copy of `file` with the 8-byte scalar at `field` (a pointer into `file`) overwritten.
std::vector<uint8_t> patched(const std::vector<uint8_t>& file, const uint8_t* field, uint64_t value) {
    std::vector<uint8_t> bad(file);
    std::memcpy(bad.data() + (field - file.data()), &value, sizeof(value));
    return bad;
}

TEST(PlanFile, HugeClaimedSizes) {
    const auto file = writePlan(fullPlan());
    const auto* e = fbs::GetEngine(file.data());
    const auto* root = reinterpret_cast<const flatbuffers::Table*>(e);
    const auto* sizeField = root->GetAddressOf(fbs::Engine::VT_WEIGHTS_SIZE);
    ASSERT_NE(sizeField, nullptr);
    for (uint64_t huge : {UINT64_MAX, uint64_t{1} << 62, uint64_t{file.size()} * 1000}) {
        EXPECT_CONTAINS(readError(patched(file, sizeField, huge)), "truncated");
    }
    EXPECT_CONTAINS(readError(patched(file, root->GetAddressOf(fbs::Engine::VT_WEIGHTS_OFFSET), UINT64_MAX - 255)),
                    "weights region offset");
    {
        // A vector whose length claims two billion tensors.
        auto bad = file;
        const auto at = reinterpret_cast<const uint8_t*>(e->tensors()) - file.data();
        const uint32_t len = 0x7ffffff0u;
        std::memcpy(bad.data() + at, &len, sizeof(len));
        EXPECT_CONTAINS(readError(bad), "verifier");
    }
}

//! A hand-built file whose weights table says what the test wants (the writer would refuse it).
struct RawBlob {
    fbs::DataType type;
    std::vector<int64_t> dims;
    uint64_t offset, size, checksum;
};

std::vector<uint8_t> rawFile(const std::vector<RawBlob>& blobs, const std::vector<uint8_t>& region) {
    std::vector<uint8_t> file;
    for (uint64_t weightsOffset : {uint64_t{256}, uint64_t{0}}) {
        flatbuffers::FlatBufferBuilder b;
        std::vector<flatbuffers::Offset<fbs::WeightsBlob>> ws;
        for (const auto& r : blobs) {
            ws.push_back(fbs::CreateWeightsBlob(b, r.type, b.CreateVector(r.dims), r.offset, r.size, r.checksum));
        }
        const uint64_t off = weightsOffset ? weightsOffset : (file.size() + 255) / 256 * 256;
        auto root = fbs::CreateEngine(b, kFormatVersion, KILN_VERSION, off, region.size(), 0, 0, 0, 0,
                                      b.CreateVector(ws));
        fbs::FinishEngineBuffer(b, root);
        file.assign(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
        if (!weightsOffset) {
            file.resize(off, 0);
            file.insert(file.end(), region.begin(), region.end());
        }
    }
    return file;
}

TEST(PlanFile, ForgedWeights) {
    std::vector<uint8_t> region(1024, 7);
    const uint64_t sum8 = checksum64(region.data(), 8);
    // Sanity: a well-formed raw file is accepted.
    EXPECT_NO_THROW(readPlan(rawFile({{fbs::DataType::FLOAT, {2}, 0, 8, sum8}}, region).data(),
                             rawFile({{fbs::DataType::FLOAT, {2}, 0, 8, sum8}}, region).size()));
    EXPECT_CONTAINS(readError(rawFile({{fbs::DataType::FLOAT, {int64_t{1} << 40, int64_t{1} << 40}, 0, 8, sum8}},
                                      region)),
                    "overflows");
    EXPECT_CONTAINS(readError(rawFile({{fbs::DataType::FLOAT, {3}, 0, 8, sum8}}, region)), "need 12");
    EXPECT_CONTAINS(readError(rawFile({{fbs::DataType::FLOAT, {2}, 8, 8, sum8}}, region)), "aligned");
    EXPECT_CONTAINS(readError(rawFile({{fbs::DataType::FLOAT, {2}, 1024, 8, sum8}}, region)), "outside");
    EXPECT_CONTAINS(readError(rawFile({{fbs::DataType::INT64, {1}, UINT64_MAX - 255, 8, sum8}}, region)),
                    "outside");
    EXPECT_CONTAINS(readError(rawFile({{fbs::DataType::FLOAT, {2}, 0, 8, sum8},
                                       {fbs::DataType::FLOAT, {64}, 0, 256, 0}},
                                      region)),
                    "overlap");
    EXPECT_CONTAINS(readError(rawFile({{static_cast<fbs::DataType>(99), {2}, 0, 8, sum8}}, region)),
                    "unknown data type 99");
    EXPECT_CONTAINS(readError(rawFile({{fbs::DataType::INT4, {2}, 0, 1, sum8}}, region)), "cannot hold weights");
    EXPECT_CONTAINS(readError(rawFile({{fbs::DataType::FLOAT, {-1}, 0, 8, sum8}}, region)), "invalid dimension");
    EXPECT_CONTAINS(readError(rawFile({{fbs::DataType::FLOAT, {2}, 0, 8, sum8 + 1}}, region)),
                    "weights checksum mismatch for tensor #0");
}

TEST(PlanFile, SemanticChecks) {
    const auto expectError = [](const std::function<void(Plan&)>& damage, const char* needle) {
        Plan plan = fullPlan();
        damage(plan);
        EXPECT_CONTAINS(readError(plan), needle);
    };
    expectError([](Plan& p) { p.steps[1].inputs[0] = 99; }, "reads tensor #99 of 8");
    expectError([](Plan& p) { p.steps[1].inputs[0] = -2; }, "reads tensor #-2");
    expectError([](Plan& p) { p.steps[0].outputs[0] = 8; }, "writes tensor #8");
    expectError([](Plan& p) { std::swap(p.steps[0], p.steps[1]); }, "before any step writes it");
    expectError([](Plan& p) { p.steps[1].outputs[0] = 6; }, "already defined");
    expectError([](Plan& p) { p.steps[0].outputs[0] = 1; }, "already defined");
    expectError([](Plan& p) { p.steps[1].outputs.clear(); }, "never written");
    expectError([](Plan& p) { p.tensors[0].dims.assign(9, 1); }, "rank 9");
    expectError([](Plan& p) { p.tensors[0].dims[1] = -2; }, "invalid dimension -2");
    expectError([](Plan& p) { p.tensors[0].type = static_cast<DataType>(42); }, "unknown data type 42");
    expectError([](Plan& p) { p.steps[0].precision = static_cast<DataType>(-1); }, "unknown data type -1");
    expectError([](Plan& p) { p.header.backend = static_cast<DeviceType>(5); }, "unknown backend 5");
    expectError([](Plan& p) { p.tensors[1].weightIndex = 5; }, "refers to weights #5 of 5");
    expectError([](Plan& p) { p.tensors[0].weightIndex = 0; }, "both a network input and a constant");
    expectError([](Plan& p) { p.tensors[6].lastStep = 2; }, "liveness step 2");
    expectError([](Plan& p) { p.tensors[6].firstStep = -7; }, "liveness step -7");
    expectError([](Plan& p) { p.tensors[6].firstStep = 1, p.tensors[6].lastStep = 0; }, "live from step 1");
    expectError([](Plan& p) { p.tensors[7].name = "input"; }, "two network inputs or outputs are named 'input'");
    expectError([](Plan& p) { p.profiles[0].inputs[0].name = "mid"; }, "is not a network input");
    expectError([](Plan& p) { p.profiles[0].inputs.push_back(p.profiles[0].inputs[0]); }, "is repeated");
    expectError([](Plan& p) { p.profiles[0].inputs[0].max.pop_back(); }, "ranks 3/3/2");
    expectError([](Plan& p) { p.profiles[1].inputs[0].opt[0] = 2; }, "dimension 0 has min 0, opt 2, max 1");
    expectError([](Plan& p) { p.profiles[1].inputs[0].min[2] = -1; }, "min -1");
    expectError([](Plan& p) { p.steps[0].attributes[""] = int64_t{1}; }, "attribute without a name");
}

//! Inputs the fuzzer once crashed on (tests/fuzz/regressions), stamped with this library's version
//! so that they still reach the code they crashed in.
TEST(PlanFile, FuzzRegressions) {
    const auto dir = std::filesystem::path(__FILE__).parent_path().parent_path() / "fuzz" / "regressions";
    int count = 0, accepted = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        flatbuffers::Verifier verifier(file.data(), file.size());
        if (file.size() >= 8 && verifier.VerifyBuffer<fbs::EnginePreamble>(nullptr)) {
            const auto* root =
                reinterpret_cast<const flatbuffers::Table*>(flatbuffers::GetRoot<fbs::EnginePreamble>(file.data()));
            if (const uint8_t* field = root->GetAddressOf(fbs::EnginePreamble::VT_LIBRARY_VERSION)) {
                const int32_t version = KILN_VERSION;
                std::memcpy(file.data() + (field - file.data()), &version, sizeof(version));
            }
        }
        expectErrorOrValidPlan(file, accepted);
        ++count;
    }
    EXPECT_GE(count, 1) << dir;
}

TEST(PlanFile, WriterRefusesInconsistentWeights) {
    Plan plan = smallPlan();
    plan.weights[0].bytes.pop_back();
    EXPECT_THROW(writePlan(plan), KilnError);
    plan = smallPlan();
    plan.weights[0].type = DataType::kINT4;
    EXPECT_THROW(writePlan(plan), KilnError);
}

}  // namespace
}  // namespace kiln::engine
