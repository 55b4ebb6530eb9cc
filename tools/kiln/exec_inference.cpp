#include "exec_inference.h"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <functional>
#include <random>
#include <thread>

#include "cli_util.h"
#include "exec_gpu_io.h"
#include "tensor_values.h"

namespace kiln::cli {
namespace {

using Severity = Logger::Severity;

const Dims* find(const ShapeList& list, const std::string& name) {
    for (const auto& [n, d] : list)
        if (n == name) return &d;
    return nullptr;
}

bool sameDims(const Dims& a, const Dims& b) {
    if (a.nbDims != b.nbDims) return false;
    for (int32_t i = 0; i < a.nbDims; ++i)
        if (a.d[i] != b.d[i]) return false;
    return true;
}

//! The input's data from its file: a .npy must match type and shape, a raw file the byte size.
bool copyInputFile(const TensorBuffer& buf, const InputData& in, std::vector<uint8_t>& out, Logger& logger) {
    if (in.isNpy) {
        if (in.array.type != buf.type) {
            logf(logger, Severity::kERROR, "Input '%s' is %s but %s holds %s ('%s')", buf.name.c_str(), dataTypeName(buf.type),
                 in.path.c_str(), dataTypeName(in.array.type), in.array.descr.c_str());
            return false;
        }
        if (!sameDims(in.array.shape, buf.dims)) {
            logf(logger, Severity::kERROR, "Input '%s' has shape %s but %s holds shape %s", buf.name.c_str(),
                 dimsToString(buf.dims).c_str(), in.path.c_str(), dimsToString(in.array.shape).c_str());
            return false;
        }
    } else if (in.array.data.size() != buf.data.size()) {
        logf(logger, Severity::kERROR, "Input file '%s' has %zu bytes, input '%s' (%s, %s) needs %zu", in.path.c_str(),
             in.array.data.size(), buf.name.c_str(), dataTypeName(buf.type), dimsToString(buf.dims).c_str(), buf.data.size());
        return false;
    }
    out = in.array.data;
    return true;
}

//! Input shapes: --shapes, else the .npy's (dynamic inputs), else the profile's OPT.
bool setInputShapes(Engine& engine, ExecutionContext& context, const ExecOptions& o, const InputDataMap& inputs,
                    Logger& logger) {
    for (const auto& [name, dims] : o.shapes)
        if (engine.getTensorIOMode(name.c_str()) != TensorIOMode::kINPUT) {
            logf(logger, Severity::kERROR, "--shapes names '%s', which is not an input of the engine", name.c_str());
            return false;
        }
    for (const auto& [name, data] : inputs)
        if (engine.getTensorIOMode(name.c_str()) != TensorIOMode::kINPUT) {
            logf(logger, Severity::kERROR, "--loadInputs names '%s', which is not an input of the engine", name.c_str());
            return false;
        }
    for (int32_t i = 0; i < engine.getNbIOTensors(); ++i) {
        const char* name = engine.getIOTensorName(i);
        if (engine.getTensorIOMode(name) != TensorIOMode::kINPUT) continue;
        Dims dims = engine.getTensorShape(name);
        bool dynamic = false;
        for (int32_t k = 0; k < dims.nbDims; ++k) dynamic = dynamic || dims.d[k] < 0;
        auto file = inputs.find(name);
        if (const Dims* given = find(o.shapes, name)) dims = *given;
        else if (!dynamic) continue;  // static: nothing to set (a .npy is checked against it later)
        else if (file != inputs.end() && file->second.isNpy) dims = file->second.array.shape;
        else dims = engine.getProfileShape(name, o.profile, OptProfileSelector::kOPT);
        if (!context.setInputShape(name, dims)) {
            logf(logger, Severity::kERROR, "Could not set the shape of input '%s' to %s", name, dimsToString(dims).c_str());
            return false;
        }
        logf(logger, Severity::kINFO, "Set shape of input tensor %s to: %s", name, dimsToString(dims).c_str());
    }
    return true;
}

bool allocateBuffers(Engine& engine, ExecutionContext& context, const InputDataMap& inputs,
                     std::vector<TensorBuffer>& buffers, Logger& logger) {
    std::mt19937 rng(42);
    buffers.reserve(static_cast<size_t>(engine.getNbIOTensors()));
    for (int32_t i = 0; i < engine.getNbIOTensors(); ++i) {
        TensorBuffer buf;
        buf.name = engine.getIOTensorName(i);
        buf.type = engine.getTensorDataType(buf.name.c_str());
        buf.isInput = engine.getTensorIOMode(buf.name.c_str()) == TensorIOMode::kINPUT;
        buf.dims = context.getTensorShape(buf.name.c_str());
        if (buf.dims.nbDims < 0 || volume(buf.dims) < 0) {
            logf(logger, Severity::kERROR, "Cannot compute the shape of '%s'", buf.name.c_str());
            return false;
        }
        buf.data.assign(static_cast<size_t>(volume(buf.dims)) * dataTypeSize(buf.type), 0);
        if (buf.isInput) {
            auto file = inputs.find(buf.name);
            if (file != inputs.end()) {
                if (!copyInputFile(buf, file->second, buf.data, logger)) return false;
            } else {
                fillRandom(buf.data, buf.type, rng);
            }
        }
        buffers.push_back(std::move(buf));
        if (!context.setTensorAddress(buffers.back().name.c_str(), buffers.back().data.data())) return false;
    }
    return true;
}

}  // namespace

bool loadInputFiles(const std::vector<InputFile>& files, InputDataMap& out, Logger& logger) {
    for (const auto& f : files) {
        auto bytes = readFile(f.path);
        if (!bytes) {
            logf(logger, Severity::kERROR, "Cannot read input file '%s' (for input '%s')", f.path.c_str(), f.name.c_str());
            return false;
        }
        InputData data;
        data.path = f.path;
        data.isNpy = isNpy(*bytes);
        if (data.isNpy) {
            std::string error;
            auto array = parseNpy(*bytes, error);
            if (!array) {
                logf(logger, Severity::kERROR, "Input file '%s': %s", f.path.c_str(), error.c_str());
                return false;
            }
            data.array = std::move(*array);
        } else {
            data.array.data = std::move(*bytes);
        }
        logf(logger, Severity::kINFO, "Loaded input %s from %s%s", f.name.c_str(), f.path.c_str(),
             data.isNpy ? (" (.npy " + data.array.descr + " " + dimsToString(data.array.shape) + ")").c_str() : " (raw)");
        out[f.name] = std::move(data);
    }
    return true;
}

bool checkInputFiles(const NetworkDefinition& network, const InputDataMap& inputs, Logger& logger) {
    for (const auto& [name, data] : inputs) {
        const Tensor* input = nullptr;
        std::string names;
        for (int32_t i = 0; i < network.getNbInputs(); ++i) {
            if (name == network.getInput(i)->getName()) input = network.getInput(i);
            names += (names.empty() ? "" : ", ") + std::string(network.getInput(i)->getName());
        }
        if (!input) {
            logf(logger, Severity::kERROR, "--loadInputs names '%s', which is not an input of the model (inputs: %s)",
                 name.c_str(), names.c_str());
            return false;
        }
        if (!data.isNpy) continue;
        if (data.array.type != input->getType()) {
            logf(logger, Severity::kERROR, "Input '%s' is %s but %s holds %s ('%s')", name.c_str(),
                 dataTypeName(input->getType()), data.path.c_str(), dataTypeName(data.array.type), data.array.descr.c_str());
            return false;
        }
        Dims declared = input->getDimensions();
        bool fits = declared.nbDims == data.array.shape.nbDims;
        for (int32_t i = 0; fits && i < declared.nbDims; ++i)
            fits = declared.d[i] < 0 || declared.d[i] == data.array.shape.d[i];
        if (!fits) {
            logf(logger, Severity::kERROR, "Input '%s' has shape %s but %s holds shape %s", name.c_str(),
                 dimsToString(declared).c_str(), data.path.c_str(), dimsToString(data.array.shape).c_str());
            return false;
        }
    }
    return true;
}

ShapeList npyShapes(const InputDataMap& inputs) {
    ShapeList shapes;
    for (const auto& [name, data] : inputs)
        if (data.isNpy) shapes.emplace_back(name, data.array.shape);
    return shapes;
}

void LayerProfiler::reportLayerTime(const char* layerName, float ms) noexcept {
    try {
        std::string name = layerName ? layerName : "";
        if (auto d = mDisplay.find(name); d != mDisplay.end()) name = d->second;
        auto [it, inserted] = mIndex.emplace(name, mLayers.size());
        if (inserted) {
            mLayers.push_back({name, std::vector<float>(static_cast<size_t>(mNbRuns), 0.f)});
            mCurrent.push_back(0.f);
        }
        mCurrent[it->second] += ms;
    } catch (...) {
    }
}

void LayerProfiler::endRun() {
    for (size_t i = 0; i < mLayers.size(); ++i) {
        mLayers[i].runs.push_back(mCurrent[i]);
        mCurrent[i] = 0.f;
    }
    ++mNbRuns;
}

namespace {

//! One of --infStreams: its own execution context, I/O buffers and (GPU engines) stream.
struct InferenceStream {
    std::unique_ptr<ExecutionContext> context;
    std::vector<TensorBuffer> buffers;
    std::unique_ptr<GpuIo> gpu;
    std::vector<InferenceTrace> traces;
    int32_t nbWarmups{0};
    bool failed{false};
};

bool prepareStream(Engine& engine, const ExecOptions& o, const InputDataMap& inputs, bool graph, InferenceStream& s,
                   Logger& logger) {
    s.context = engine.createExecutionContext();
    if (!s.context || !s.context->setOptimizationProfile(o.profile)) {
        logf(logger, Severity::kERROR, "Cannot create an execution context");
        return false;
    }
    if (!setInputShapes(engine, *s.context, o, inputs, logger) ||
        !allocateBuffers(engine, *s.context, inputs, s.buffers, logger))
        return false;
    // GPU engines: device buffers, with the copies of each inference timed as their own phases.
    if (engine.getDeviceType() == DeviceType::kGPU) {
        s.gpu = GpuIo::create(*s.context, s.buffers, logger, graph, o.useSpinWait);
        if (!s.gpu) return false;
    }
    return true;
}

bool inferOnce(InferenceStream& s, const ExecOptions& o, InferenceTrace& t, const std::function<double()>& now) {
    if (s.gpu) return s.gpu->infer(*s.context, s.buffers, !o.noDataTransfers, t, now);
    t.enqStart = t.h2dStart = t.h2dEnd = t.computeStart = now();
    // The CPU backend computes in the caller's thread: enqueue returns when the work is done.
    if (!s.context->enqueueV3(nullptr)) return false;
    t.enqEnd = t.computeEnd = t.d2hStart = t.d2hEnd = now();
    return true;
}

}  // namespace

bool runInference(Engine& engine, const ExecOptions& o, const InputDataMap& inputs, LayerProfiler* profiler,
                  InferenceResult& result, Logger& logger) {
    int32_t nbProfiles = engine.getNbOptimizationProfiles();
    if (o.profile >= nbProfiles) {
        logf(logger, Severity::kERROR, "--profile=%d: the engine has %d optimization profile%s (0 to %d)", o.profile,
             nbProfiles, nbProfiles == 1 ? "" : "s", nbProfiles - 1);
        return false;
    }
    // A graph replays kernels without the per-layer events the profiler needs (as trtexec).
    if (engine.getDeviceType() == DeviceType::kGPU && o.useCudaGraph && profiler)
        logger.log(Severity::kWARNING, "--useCudaGraph is ignored while profiling (--dumpProfile/--exportProfile)");
    if (profiler && o.infStreams > 1)
        logger.log(Severity::kWARNING, "Profiling the first of the inference streams only (--infStreams)");
    const bool graph = o.useCudaGraph && !profiler;
    std::vector<InferenceStream> streams(static_cast<size_t>(o.infStreams));
    for (auto& s : streams)
        if (!prepareStream(engine, o, inputs, graph, s, logger)) return false;
    using Clock = std::chrono::steady_clock;
    const auto origin = Clock::now();
    const std::function<double()> now = [&] {
        return std::chrono::duration<double, std::milli>(Clock::now() - origin).count();
    };
    logger.log(Severity::kINFO, "Starting inference");
    // Each stream warms up, all wait for each other, then all run until the timed queries of all
    // streams together reach --iterations and --duration has passed.
    std::barrier warmedUp(static_cast<std::ptrdiff_t>(streams.size()));
    std::atomic<int64_t> queries{0};
    std::atomic<bool> stop{false};
    double start = 0;
    auto drive = [&](size_t index) {
        InferenceStream& s = streams[index];
        if (s.gpu && index > 0 && !s.gpu->bindToThisThread()) s.failed = true, stop = true;
        while (!stop && now() < o.warmUpMs) {
            InferenceTrace t;
            if (!inferOnce(s, o, t, now)) s.failed = true, stop = true;
            ++s.nbWarmups;
        }
        warmedUp.arrive_and_wait();
        if (index == 0) {
            start = now();
            if (profiler) s.context->setProfiler(profiler);
        }
        warmedUp.arrive_and_wait();
        while (!stop && (queries < o.iterations || now() - start < o.durationS * 1000.0)) {
            InferenceTrace t;
            if (!inferOnce(s, o, t, now)) {
                s.failed = true, stop = true;
                break;
            }
            s.traces.push_back(t);
            ++queries;
            if (profiler && index == 0) profiler->endRun();
        }
    };
    if (streams.size() == 1) {
        drive(0);
    } else {
        std::vector<std::thread> threads;
        for (size_t i = 0; i < streams.size(); ++i) threads.emplace_back(drive, i);
        for (auto& t : threads) t.join();
    }
    InferenceStream& first = streams[0];
    first.context->setProfiler(nullptr);
    for (const auto& s : streams) {
        if (s.failed) {
            logger.log(Severity::kERROR, "Inference failed");
            return false;
        }
        result.nbWarmups += s.nbWarmups;
        result.traces.insert(result.traces.end(), s.traces.begin(), s.traces.end());
    }
    result.warmupMs = start;
    logf(logger, Severity::kINFO, "Warmup completed %d queries over %.0f ms", result.nbWarmups, result.warmupMs);
    std::sort(result.traces.begin(), result.traces.end(),
              [](const InferenceTrace& a, const InferenceTrace& b) { return a.enqStart < b.enqStart; });
    double end = 0;
    for (const auto& t : result.traces) end = std::max(end, t.d2hEnd);
    result.benchMs = end - result.traces.front().h2dStart;
    if (o.infStreams > 1)
        logf(logger, Severity::kINFO, "Timing trace has %zu queries over %.5f s from %d inference streams",
             result.traces.size(), result.benchMs / 1000.0, o.infStreams);
    else
        logf(logger, Severity::kINFO, "Timing trace has %zu queries over %.5f s", result.traces.size(),
             result.benchMs / 1000.0);
    // The outputs reported and exported are the first stream's.
    if (first.gpu && !first.gpu->downloadOutputs(first.buffers)) return false;
    result.buffers = std::move(first.buffers);
    // Data-dependent outputs (NonZero) end up smaller than their planned bound.
    for (auto& buf : result.buffers) {
        if (buf.isInput) continue;
        Dims d = first.context->getTensorShape(buf.name.c_str());
        if (d.nbDims >= 0 && volume(d) >= 0) {
            size_t bytes = static_cast<size_t>(volume(d)) * dataTypeSize(buf.type);
            if (bytes <= buf.data.size()) {
                buf.dims = d;
                buf.data.resize(bytes);
            }
        }
    }
    return true;
}

}  // namespace kiln::cli
