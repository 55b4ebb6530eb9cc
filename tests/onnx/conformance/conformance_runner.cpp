// Runs cases of the ONNX backend test suite on Kiln's CPU backend (or, with --gpu, the CUDA one).
//
//   kiln_onnx_conformance [--verbose] [--gpu] <case-dir>...
//   kiln_onnx_conformance --corrupt <case-dir>...
//
// For each case: parse model.onnx with the OnnxParser, build an engine whose profile is the
// inputs' shapes, run every test_data_set_* and compare each output with output_*.pb as the
// suite's runner does (rtol 1e-3, atol 1e-7). Sequence inputs are given to the parser as their
// elements (setSequenceInput), empty optionals as none; sequence outputs are compared element by
// element (outputs "name[i]"). Before a case it prints "@@ start <case>" and
// after it "@@ result <case> <pass|fail|unsupported> <detail>", flushed, so that the driver
// (run_suite.py) can tell a crash or a hang from the line it stopped after.
//
// --corrupt: parser robustness. Each model.onnx is truncated, has bytes flipped and has its
// dimension fields made huge; each variant is parsed and, when it parses, built. Every variant
// must end in an error or an engine: "@@ result <case> pass <variants>".
//
// --gpu: the builder is created for the current CUDA device and the engine's I/O lives in
// device memory (copied in before and out after executeV2), as a TensorRT application does.
#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "kiln/kiln.h"
#include "kiln/onnx_parser.h"
#include "onnx/onnx.pb.h"
#include "suite_tensor.h"
#include "suite_value.h"
#if KILN_HAVE_CUDA
#include "backends/cuda/memory.h"
#endif

namespace fs = std::filesystem;
using namespace kiln;
using kiln::conformance::SuiteTensor;
using kiln::conformance::SuiteValue;

namespace {

bool gUseGpu = false;

//! The engine's view of one host buffer: the buffer itself on the CPU backend, a device copy
//! on the GPU one.
class IoBinding {
public:
    explicit IoBinding(std::vector<uint8_t>& host) : mHost(host) {
#if KILN_HAVE_CUDA
        if (gUseGpu) mDevice = cuda::DeviceBuffer(host.size(), nullptr, "tensor: conformance I/O");
#endif
    }
    void* address() {
#if KILN_HAVE_CUDA
        if (gUseGpu) return mDevice.data();
#endif
        return mHost.data();
    }
    void toEngine() {
#if KILN_HAVE_CUDA
        if (gUseGpu) cuda::copyToDevice(mDevice.data(), mHost.data(), mHost.size(), nullptr);
#endif
    }
    void fromEngine() {
#if KILN_HAVE_CUDA
        if (gUseGpu) cuda::copyToHost(mHost.data(), mDevice.data(), mHost.size(), nullptr);
#endif
    }

    //! Waits for the copies (they run on the default stream).
    static void finishCopies() {
#if KILN_HAVE_CUDA
        if (gUseGpu) cuda::synchronize(nullptr);
#endif
    }

private:
    std::vector<uint8_t>& mHost;
#if KILN_HAVE_CUDA
    cuda::DeviceBuffer mDevice;
#endif
};

constexpr double kRtol = 1e-3;
constexpr double kAtol = 1e-7;

class CapturingLogger : public Logger {
public:
    bool verbose{false};
    std::string firstError;
    void log(Severity severity, const char* msg) noexcept override {
        if (severity <= Severity::kERROR && firstError.empty()) firstError = msg;
        if (verbose && severity <= Severity::kWARNING) std::fprintf(stderr, "[kiln] %s\n", msg);
    }
};

struct Outcome {
    std::string status;  // pass, fail, unsupported
    std::string detail;
};

std::string oneLine(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    if (s.size() > 400) s = s.substr(0, 400) + "...";
    return s;
}

bool readBytes(const fs::path& path, std::string& out) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return false;
    out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    return true;
}

bool isRandomCase(const ::onnx::GraphProto& g) {
    static const std::set<std::string> random{"Bernoulli", "RandomUniform", "RandomUniformLike", "RandomNormal",
                                              "RandomNormalLike", "Multinomial"};
    for (const auto& n : g.node())
        if (random.count(n.op_type())) return true;
    return false;
}

struct DataSet {
    std::vector<SuiteValue> inputs, outputs;  //!< by graph input and output index
};

//! The network input names of one data set's values: a tensor input by its name, the elements
//! of a sequence input as "name[i]" (Parser::setSequenceInput); empty optionals feed nothing.
std::map<std::string, const SuiteTensor*> feedsOf(const DataSet& set, const ::onnx::GraphProto& graph) {
    std::map<std::string, const SuiteTensor*> feeds;
    for (size_t i = 0; i < set.inputs.size() && i < static_cast<size_t>(graph.input_size()); ++i) {
        const std::string& name = graph.input(static_cast<int>(i)).name();
        const SuiteValue& v = set.inputs[i];
        if (v.kind == SuiteValue::Kind::kTensor) feeds[name] = &v.tensors[0];
        if (v.kind == SuiteValue::Kind::kSequence)
            for (size_t k = 0; k < v.tensors.size(); ++k) feeds[name + "[" + std::to_string(k) + "]"] = &v.tensors[k];
    }
    return feeds;
}

Dims toDims(const std::vector<int64_t>& v) {
    Dims d;
    d.nbDims = static_cast<int32_t>(v.size());
    for (size_t i = 0; i < v.size() && i < static_cast<size_t>(Dims::MAX_DIMS); ++i) d.d[i] = v[i];
    return d;
}

std::vector<int64_t> fromDims(const Dims& d) { return std::vector<int64_t>(d.d, d.d + std::max(d.nbDims, 0)); }

//! Reads every test_data_set_* of a case; an empty status means success.
Outcome readDataSets(const fs::path& dir, const ::onnx::ModelProto& model, std::vector<DataSet>& sets) {
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    if (dirs.empty()) return {"fail", "the case has no test_data_set_*"};
    for (const auto& d : dirs) {
        DataSet set;
        for (const char* kind : {"input", "output"}) {
            const bool isInput = kind[0] == 'i';
            const auto& values = isInput ? model.graph().input() : model.graph().output();
            for (int i = 0;; ++i) {
                fs::path file = d / (std::string(kind) + "_" + std::to_string(i) + ".pb");
                if (!fs::exists(file)) break;
                SuiteValue v;
                std::string error;
                const ::onnx::TypeProto type = i < values.size() ? values[i].type() : ::onnx::TypeProto{};
                if (!conformance::readSuiteValue(file.string(), type, v, error)) return {"unsupported", error};
                (isInput ? set.inputs : set.outputs).push_back(std::move(v));
            }
        }
        sets.push_back(std::move(set));
    }
    return {};
}

Outcome runCase(const fs::path& dir, bool verbose) {
    const fs::path modelPath = dir / "model.onnx";
    std::string modelBytes;
    if (!readBytes(modelPath, modelBytes)) return {"fail", "cannot read model.onnx"};
    ::onnx::ModelProto model;
    if (!model.ParseFromString(modelBytes)) return {"fail", "model.onnx is not a ModelProto"};
    std::vector<DataSet> sets;
    Outcome read = readDataSets(dir, model, sets);
    if (!read.status.empty()) return read;

    CapturingLogger logger;
    logger.verbose = verbose;
    auto builder = createBuilder(logger, gUseGpu ? DeviceType::kGPU : DeviceType::kCPU);
    const auto& graphInputs = model.graph().input();
    // Inputs that must be known at build time (a shape, axes, k given as graph inputs) are
    // fixed to the first data set's values, as a TensorRT user gives a shape tensor's values
    // in the profile; the engine checks them on every run.
    std::unique_ptr<NetworkDefinition> network;
    std::unique_ptr<onnxparser::Parser> parser;
    std::vector<std::string> fixed;
    for (int attempt = 0;; ++attempt) {
        network = builder ? builder->createNetwork() : nullptr;
        parser = network ? onnxparser::createParser(*network, logger) : nullptr;
        if (!parser) return {"fail", "cannot create the builder, network or parser: " + logger.firstError};
        // Sequence inputs by their elements' dims, empty optionals as none (first data set).
        for (size_t k = 0; k < sets[0].inputs.size() && k < static_cast<size_t>(graphInputs.size()); ++k) {
            const SuiteValue& v = sets[0].inputs[k];
            const char* name = graphInputs[static_cast<int>(k)].name().c_str();
            bool ok = true;
            if (v.kind == SuiteValue::Kind::kNone) ok = parser->setOptionalInputNone(name);
            if (v.kind == SuiteValue::Kind::kSequence) {
                std::vector<Dims> dims;
                for (const auto& t : v.tensors) dims.push_back(toDims(t.dims));
                ok = parser->setSequenceInput(name, static_cast<int32_t>(dims.size()), dims.data());
            }
            if (!ok) return {"unsupported", "sequence or optional input: " + logger.firstError};
        }
        for (const auto& name : fixed) {
            int index = -1;
            for (int k = 0; k < graphInputs.size(); ++k)
                if (graphInputs[k].name() == name) index = k;
            const SuiteTensor& t = sets[0].inputs[static_cast<size_t>(index)].tensors[0];
            DataType type{};
            conformance::kilnTypeOf(t.onnxType, type);
            if (!parser->setInputValues(name.c_str(), type, toDims(t.dims), t.bytes.data()))
                return {"unsupported", "setInputValues: " + logger.firstError};
        }
        logger.firstError.clear();
        if (parser->parseFromFile(modelPath.string().c_str())) break;
        std::vector<std::string> wanted;
        for (int32_t k = 0; k < parser->getNbInputsNeedingValues(); ++k) {
            std::string name = parser->getInputNeedingValues(k);
            int index = -1;
            for (int j = 0; j < graphInputs.size(); ++j)
                if (graphInputs[j].name() == name) index = j;
            DataType type{};
            if (index >= 0 && static_cast<size_t>(index) < sets[0].inputs.size() &&
                sets[0].inputs[static_cast<size_t>(index)].kind == SuiteValue::Kind::kTensor &&
                conformance::kilnTypeOf(sets[0].inputs[static_cast<size_t>(index)].tensors[0].onnxType, type))
                wanted.push_back(name);
        }
        if (wanted.empty() || attempt >= 4) {
            std::string why = parser->getNbErrors() > 0 ? parser->getError(0)->desc() : logger.firstError;
            return {"unsupported", "parser: " + why};
        }
        fixed.insert(fixed.end(), wanted.begin(), wanted.end());
    }
    const auto& graphOutputs = model.graph().output();

    // One profile: each dynamic input from the smallest to the largest shape of the data sets.
    auto config = builder->createBuilderConfig();
    config->setBuilderOptimizationLevel(0);  // conformance needs the right answer, not timing
    config->clearFlag(BuilderFlag::kTF32);    // and float32 products in float32
    OptimizationProfile* profile = builder->createOptimizationProfile();
    bool dynamic = false;
    std::vector<std::map<std::string, const SuiteTensor*>> feeds;  // per data set
    for (const auto& s : sets) feeds.push_back(feedsOf(s, model.graph()));
    for (int32_t i = 0; i < network->getNbInputs(); ++i) {
        Tensor* in = network->getInput(i);
        Dims declared = in->getDimensions();
        bool isDynamic = false;
        for (int32_t k = 0; k < declared.nbDims; ++k) isDynamic = isDynamic || declared.d[k] < 0;
        if (!isDynamic) continue;
        const std::string name = in->getName();
        if (!feeds[0].count(name)) return {"fail", "no data for the dynamic input '" + name + "'"};
        Dims lo = toDims(feeds[0][name]->dims), hi = lo;
        for (auto& f : feeds) {
            if (!f.count(name)) return {"fail", "a data set gives no data for the dynamic input '" + name + "'"};
            Dims d = toDims(f[name]->dims);
            if (d.nbDims != lo.nbDims) return {"fail", "the data sets give input '" + name + "' different ranks"};
            for (int32_t k = 0; k < d.nbDims; ++k) lo.d[k] = std::min(lo.d[k], d.d[k]), hi.d[k] = std::max(hi.d[k], d.d[k]);
        }
        profile->setDimensions(in->getName(), OptProfileSelector::kMIN, lo);
        profile->setDimensions(in->getName(), OptProfileSelector::kOPT, toDims(feeds[0][name]->dims));
        profile->setDimensions(in->getName(), OptProfileSelector::kMAX, hi);
        dynamic = true;
    }
    if (dynamic) config->addOptimizationProfile(profile);
    auto plan = builder->buildSerializedNetwork(*network, *config);
    if (!plan) return {"unsupported", "builder: " + logger.firstError};
    auto runtime = createRuntime(logger);
    auto engine = runtime->deserializeEngine(plan->data(), plan->size());
    if (!engine) return {"fail", "deserializeEngine: " + logger.firstError};
    auto context = engine->createExecutionContext();
    if (!context) return {"fail", "createExecutionContext: " + logger.firstError};

    const bool random = isRandomCase(model.graph());
    for (size_t s = 0; s < sets.size(); ++s) {
        const DataSet& set = sets[s];
        std::deque<std::vector<uint8_t>> buffers;  // a deque: the bindings keep references
        std::vector<std::unique_ptr<IoBinding>> bindings;  // one per buffer, same order
        for (const auto& [feedName, tensor] : feeds[s]) {
            const char* name = feedName.c_str();
            if (engine->getTensorIOMode(name) != TensorIOMode::kINPUT) continue;  // unused input
            const SuiteTensor& t = *tensor;
            if (conformance::onnxTypeOf(engine->getTensorDataType(name)) != t.onnxType)
                return {"fail", std::string("input '") + name + "' is " + dataTypeName(engine->getTensorDataType(name)) +
                                    " in the engine, " + conformance::onnxTypeName(t.onnxType) + " in the data"};
            if (!context->setInputShape(name, toDims(t.dims))) return {"fail", "setInputShape: " + logger.firstError};
            buffers.emplace_back(t.bytes);
            if (buffers.back().empty()) buffers.back().resize(1);
            bindings.push_back(std::make_unique<IoBinding>(buffers.back()));
            bindings.back()->toEngine();
            context->setTensorAddress(name, bindings.back()->address());
        }
        // Engine outputs with their reference: a sequence output is its elements "name[i]".
        std::vector<std::pair<std::string, const SuiteTensor*>> wanted;
        for (int j = 0; j < graphOutputs.size(); ++j) {
            const std::string& name = graphOutputs[j].name();
            const SuiteValue* ref = static_cast<size_t>(j) < set.outputs.size() ? &set.outputs[static_cast<size_t>(j)] : nullptr;
            const int32_t length = parser->getSequenceLength(name.c_str());
            if (ref && ref->kind == SuiteValue::Kind::kNone)
                return {"fail", "output '" + name + "' is an empty optional in the data, a value in Kiln"};
            if (ref && (ref->kind == SuiteValue::Kind::kSequence) != (length >= 0))
                return {"fail", "output '" + name + "' is " + (length >= 0 ? "a sequence in Kiln" : "a tensor in Kiln") +
                                    ", not in the data"};
            if (ref && length >= 0 && static_cast<size_t>(length) != ref->tensors.size())
                return {"fail", "output '" + name + "' has " + std::to_string(length) + " elements, the data " +
                                    std::to_string(ref->tensors.size())};
            if (length < 0) wanted.emplace_back(name, ref ? &ref->tensors[0] : nullptr);
            for (int32_t k = 0; k < length; ++k)
                wanted.emplace_back(name + "[" + std::to_string(k) + "]", ref ? &ref->tensors[static_cast<size_t>(k)] : nullptr);
        }
        std::vector<std::pair<size_t, size_t>> outputBuffers;  // index in `wanted`, buffer index
        for (size_t j = 0; j < wanted.size(); ++j) {
            const char* name = wanted[j].first.c_str();
            if (engine->getTensorIOMode(name) != TensorIOMode::kOUTPUT)
                return {"fail", std::string("the engine has no output '") + name + "'"};
            Dims bound = context->getTensorShape(name);
            if (bound.nbDims < 0) return {"fail", std::string("no shape for output '") + name + "': " + logger.firstError};
            int64_t n = 1;
            for (int32_t k = 0; k < bound.nbDims; ++k) n *= std::max<int64_t>(bound.d[k], 0);
            buffers.emplace_back(static_cast<size_t>(std::max<int64_t>(n, 1)) * dataTypeSize(engine->getTensorDataType(name)));
            bindings.push_back(std::make_unique<IoBinding>(buffers.back()));
            context->setTensorAddress(name, bindings.back()->address());
            outputBuffers.emplace_back(j, buffers.size() - 1);
        }
        IoBinding::finishCopies();
        if (!context->executeV2()) return {"fail", "executeV2: " + logger.firstError};
        for (auto [j, b] : outputBuffers) bindings[b]->fromEngine();
        IoBinding::finishCopies();
        for (auto [j, b] : outputBuffers) {
            const char* name = wanted[j].first.c_str();
            const SuiteTensor* ref = wanted[j].second;
            if (!ref) continue;
            SuiteTensor got;
            DataType type = engine->getTensorDataType(name);
            got.onnxType = conformance::onnxTypeOf(type);
            got.dims = fromDims(context->getTensorShape(name));
            got.bytes = buffers[b];
            got.bytes.resize(static_cast<size_t>(got.count()) * dataTypeSize(type));
            std::string why;
            bool ok = random ? conformance::compareRandomOutput(*ref, got, why)
                             : conformance::compareOutput(*ref, got, kRtol, kAtol, why);
            if (!ok) return {"fail", "data set " + std::to_string(s) + ", output '" + name + "': " + why};
        }
    }
    std::string detail = random ? "checked by shape and range (random-number op)" : "";
    if (!fixed.empty()) {
        detail += detail.empty() ? "" : "; ";
        detail += "inputs fixed at build time (setInputValues):";
        for (const auto& name : fixed) detail += " " + name;
    }
    return {"pass", detail};
}

//! Parser robustness: the variants of one model and whether each ended cleanly (it always
//! does unless Kiln crashes, which the driver sees).
Outcome corruptCase(const fs::path& dir) {
    std::string original;
    if (!readBytes(dir / "model.onnx", original)) return {"fail", "cannot read model.onnx"};
    std::vector<std::string> variants;
    for (size_t cut : {original.size() / 2, original.size() * 9 / 10, original.size() - 1, size_t{7}})
        if (cut < original.size()) variants.push_back(original.substr(0, cut));
    std::mt19937 rng(static_cast<uint32_t>(std::hash<std::string>{}(dir.filename().string())));
    for (int v = 0; v < 8 && !original.empty(); ++v) {
        std::string s = original;
        for (int k = 0; k < 1 + v; ++k) s[rng() % s.size()] ^= static_cast<char>(1u << (rng() % 8));
        variants.push_back(std::move(s));
    }
    // Oversized dims: every dim of every value info and initializer set to 2^40 (or -2^40).
    ::onnx::ModelProto model;
    if (model.ParseFromString(original)) {
        for (int64_t huge : {int64_t{1} << 40, -(int64_t{1} << 40), int64_t{1} << 62}) {
            ::onnx::ModelProto m = model;
            auto grow = [&](::onnx::ValueInfoProto& vi) {
                if (!vi.type().has_tensor_type()) return;
                for (auto& d : *vi.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim()) d.set_dim_value(huge);
            };
            for (auto& vi : *m.mutable_graph()->mutable_input()) grow(vi);
            for (auto& vi : *m.mutable_graph()->mutable_output()) grow(vi);
            for (auto& init : *m.mutable_graph()->mutable_initializer())
                for (int k = 0; k < init.dims_size(); ++k) init.set_dims(k, huge);
            for (auto& n : *m.mutable_graph()->mutable_node())
                for (auto& a : *n.mutable_attribute())
                    if (a.has_t())
                        for (int k = 0; k < a.t().dims_size(); ++k) a.mutable_t()->set_dims(k, huge);
            variants.push_back(m.SerializeAsString());
        }
    }
    int built = 0;
    for (const auto& bytes : variants) {
        CapturingLogger logger;
        auto builder = createBuilder(logger);
        auto network = builder->createNetwork();
        auto parser = onnxparser::createParser(*network, logger);
        if (!parser->parse(bytes.data(), bytes.size(), (dir / "model.onnx").string().c_str())) continue;
        auto config = builder->createBuilderConfig();
        config->setBuilderOptimizationLevel(0);
        bool dynamic = false;
        for (int32_t i = 0; i < network->getNbInputs(); ++i) {
            Dims d = network->getInput(i)->getDimensions();
            for (int32_t k = 0; k < d.nbDims; ++k) dynamic = dynamic || d.d[k] < 0;
        }
        if (dynamic) continue;  // no profile to give: the parse was the test
        if (builder->buildSerializedNetwork(*network, *config)) ++built;
    }
    return {"pass", std::to_string(variants.size()) + " variants, " + std::to_string(built) + " built"};
}

}  // namespace

int main(int argc, char** argv) {
    bool verbose = false, corrupt = false;
    std::vector<fs::path> cases;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--verbose") verbose = true;
        else if (a == "--corrupt") corrupt = true;
        else if (a == "--gpu") gUseGpu = true;
        else if (a.rfind("--", 0) == 0) {
            std::fprintf(stderr, "unknown option %s\n", a.c_str());
            return 2;
        } else cases.emplace_back(a);
    }
    if (cases.empty()) {
        std::fprintf(stderr, "usage: kiln_onnx_conformance [--verbose|--corrupt] <case-dir>...\n");
        return 2;
    }
    for (const auto& dir : cases) {
        const std::string name = dir.filename().string();
        std::printf("@@ start %s\n", name.c_str());
        std::fflush(stdout);
        auto t0 = std::chrono::steady_clock::now();
        Outcome o;
        try {
            o = corrupt ? corruptCase(dir) : runCase(dir, verbose);
        } catch (const std::exception& e) {  // a device allocation for the case's I/O failed
            o = {"fail", e.what()};
        }
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        std::printf("@@ result %s %s %.1fms %s\n", name.c_str(), o.status.c_str(), ms, oneLine(o.detail).c_str());
        std::fflush(stdout);
    }
    return 0;
}
