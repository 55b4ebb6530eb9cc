// kiln exec: trtexec's flags and output. Builds an engine from --onnx (or loads --loadEngine),
// runs it on random or given inputs and prints the performance summary.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli_util.h"
#include "engine_build.h"
#include "exec_inference.h"
#include "exec_options.h"
#include "exec_report.h"
#include "onnx_model.h"

#ifdef KILN_CLI_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

namespace kiln::cli {
namespace {

using Severity = Logger::Severity;

void printUsage() {
    std::printf(
        "usage: kiln exec (--onnx=<model.onnx> | --loadEngine=<file>) [options]   (trtexec's flags)\n"
        "model/engine: --onnx --loadEngine --saveEngine\n"
        "build:        --shapes --minShapes --optShapes --maxShapes (repeat the group for more profiles)\n"
        "              --memPoolSize=workspace:N[K|M|G|B] (default unit MiB) --builderOptimizationLevel=0..5\n"
        "              --timingCacheFile --fp16 --bf16 --int8 --best --noTF32 --backend=cpu|cuda --device=N\n"
        "              --layerPrecisions=name:fp32|fp16|bf16|int8|int32[,...] --precisionConstraints=none|obey|prefer\n"
        "              --stronglyTyped (the model's types; no precision flags) --avgTiming=N (timing runs per tactic)\n"
        "inference:    --profile=N (--useProfile=N) --iterations --warmUp=ms --duration=s\n"
        "              --loadInputs=name:file[,name:file] (raw or .npy) --skipInference --useCudaGraph --noDataTransfers\n"
        "              --useSpinWait --infStreams=N (N contexts run concurrently, each from its own thread and stream)\n"
        "reporting:    --avgRuns --percentile=P1,P2 --exportTimes --exportOutput --exportProfile --dumpProfile\n"
        "              --dumpLayerInfo --exportLayerInfo --verbose\n");
}

//! --backend=cuda --device=N: the builder takes the current CUDA device.
bool selectDevice(const ExecOptions& o, Logger& logger) {
    if (o.backend != "cuda") return true;
#ifdef KILN_CLI_HAVE_CUDA
    int count = 0;
    if (cudaGetDeviceCount(&count) == cudaSuccess) {
        if (o.device >= count) {
            logf(logger, Severity::kERROR, "--device=%d: there %s %d CUDA device%s", o.device, count == 1 ? "is" : "are",
                 count, count == 1 ? "" : "s");
            return false;
        }
        if (cudaSetDevice(o.device) != cudaSuccess) {
            logf(logger, Severity::kERROR, "Cannot select CUDA device %d", o.device);
            return false;
        }
    }  // else createBuilder reports the CUDA initialization failure
#else
    if (o.device != 0) {
        logf(logger, Severity::kERROR, "--device=%d: this kiln was built without CUDA", o.device);
        return false;
    }
#endif
    return true;
}

std::unique_ptr<HostMemory> buildFromOnnx(const ExecOptions& o, const InputDataMap& inputs, Logger& logger) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(o.onnx, ec)) {
        logf(logger, Severity::kERROR, "Cannot open ONNX file '%s': no such file", o.onnx.c_str());
        return nullptr;
    }
    if (!selectDevice(o, logger)) return nullptr;
    DeviceType device = o.backend == "cuda" ? DeviceType::kGPU : DeviceType::kCPU;
    auto builder = createBuilder(logger, device);
    if (!builder) {
        logf(logger, Severity::kERROR, "Could not create a builder for the %s backend (device %d)", o.backend.c_str(), o.device);
        return nullptr;
    }
    auto network = builder->createNetworkV2(
        o.stronglyTyped ? 1U << static_cast<int32_t>(NetworkDefinitionCreationFlag::kSTRONGLY_TYPED) : 0U);
    if (!network || !parseOnnxModel(o.onnx, *network, logger, o.verbose) || !checkInputFiles(*network, inputs, logger))
        return nullptr;
    BuildRequest request;
    request.profiles = o.profiles;
    request.shapes = o.shapes;
    request.fallbackShapes = npyShapes(inputs);
    request.options = &o;
    return buildEngine(*builder, *network, request, logger);
}

std::unique_ptr<Engine> loadEngine(const ExecOptions& o, Runtime& runtime, Logger& logger) {
    auto start = std::chrono::steady_clock::now();
    auto bytes = readFile(o.loadEngine);
    if (!bytes) {
        logf(logger, Severity::kERROR, "Cannot read engine file '%s'", o.loadEngine.c_str());
        return nullptr;
    }
    auto engine = runtime.deserializeEngine(bytes->data(), bytes->size());
    if (!engine) {
        logf(logger, Severity::kERROR, "Failed to load the engine from '%s'", o.loadEngine.c_str());
        return nullptr;
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    logf(logger, Severity::kINFO, "Engine loaded in %.5f sec.", s);
    return engine;
}

void warnIgnoredBuildOptions(const ExecOptions& o, Logger& logger) {
    if (o.loadEngine.empty()) return;
    if (!o.profiles.empty() || !o.timingCacheFile.empty() || o.workspaceBytes || o.optimizationLevel >= 0 || o.fp16 ||
        o.bf16 || o.int8 || o.best || o.noTF32)
        logger.log(Severity::kWARNING, "Build options are ignored with --loadEngine (the engine is already built)");
}

//! Everything after the options are parsed; false after a failure was logged.
bool execute(const ExecOptions& o, Logger& logger) {
    printExecOptions(o, logger);
    warnIgnoredBuildOptions(o, logger);
    if (o.useCudaGraph && o.backend != "cuda" && o.loadEngine.empty())
        logger.log(Severity::kWARNING, "--useCudaGraph applies to GPU engines (--backend=cuda); ignored");
    InputDataMap inputs;
    if (!loadInputFiles(o.loadInputs, inputs, logger)) return false;
    auto runtime = createRuntime(logger);
    if (!runtime) return false;
    std::unique_ptr<Engine> engine;
    if (!o.onnx.empty()) {
        auto plan = buildFromOnnx(o, inputs, logger);
        if (!plan) return false;
        if (!o.saveEngine.empty()) {
            if (!writeFile(o.saveEngine, plan->data(), plan->size())) {
                logf(logger, Severity::kERROR, "Cannot write engine file '%s'", o.saveEngine.c_str());
                return false;
            }
            logf(logger, Severity::kINFO, "Engine saved to %s (%zu bytes)", o.saveEngine.c_str(), plan->size());
        }
        if (o.skipInference && !o.dumpLayerInfo && o.exportLayerInfo.empty()) return true;
        engine = runtime->deserializeEngine(plan->data(), plan->size());
        if (!engine) return false;
    } else {
        engine = loadEngine(o, *runtime, logger);
        if (!engine) return false;
        if (!o.saveEngine.empty()) {
            auto plan = engine->serialize();
            if (!plan || !writeFile(o.saveEngine, plan->data(), plan->size())) {
                logf(logger, Severity::kERROR, "Cannot write engine file '%s'", o.saveEngine.c_str());
                return false;
            }
            logf(logger, Severity::kINFO, "Engine saved to %s", o.saveEngine.c_str());
        }
    }
    logf(logger, Severity::kINFO, "Engine: %d layers, %d I/O tensors, %d profiles, device memory %zu bytes",
         engine->getNbLayers(), engine->getNbIOTensors(), engine->getNbOptimizationProfiles(), engine->getDeviceMemorySize());
    if (o.dumpLayerInfo) printLayerInfo(*engine, logger);
    if (!o.exportLayerInfo.empty() && !exportLayerInfo(*engine, o.exportLayerInfo, logger)) return false;
    if (o.skipInference) return true;
    bool profiling = o.dumpProfile || !o.exportProfile.empty();
    LayerProfiler profiler;
    if (profiling) profiler.setDisplayNames(fusedLayerNames(*engine));
    InferenceResult result;
    if (!runInference(*engine, o, inputs, profiling ? &profiler : nullptr, result, logger)) return false;
    printPerformanceSummary(result, o, logger);
    if (!o.exportTimes.empty() && !exportTimes(result, o.exportTimes, logger)) return false;
    if (!o.exportOutput.empty() && !exportOutput(result, o.exportOutput, logger)) return false;
    if (!o.exportProfile.empty() && !exportProfile(profiler, o.exportProfile, logger)) return false;
    if (o.dumpProfile) printLayerProfile(profiler, logger);
    return true;
}

}  // namespace

int runExec(int argc, char** argv) {
    std::string command = "kiln exec";
    for (int i = 1; i < argc; ++i) command += std::string(" ") + argv[i];
    for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
            printUsage();
            return 0;
        }
    std::printf("&&&& RUNNING Kiln.exec [%s]\n", command.c_str());
    ExecOptions o;
    std::string error;
    bool parsed = parseExecOptions(argc, argv, o, error);
    ConsoleLogger logger(o.verbose ? Severity::kVERBOSE : Severity::kINFO);
    bool ok = false;
    if (!parsed) logger.log(Severity::kERROR, error.c_str());
    else ok = execute(o, logger);
    std::fflush(stderr);
    std::printf("&&&& %s Kiln.exec [%s]\n", ok ? "PASSED" : "FAILED", command.c_str());
    std::fflush(stdout);
    return ok ? 0 : 1;
}

}  // namespace kiln::cli
