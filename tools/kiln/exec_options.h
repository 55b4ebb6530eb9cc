// kiln exec: the options, with trtexec's names and meanings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiln/kiln.h"

namespace kiln::cli {

using ShapeList = std::vector<std::pair<std::string, Dims>>;

//! One optimization profile as given on the command line (one --minShapes/--optShapes/--maxShapes group).
struct ProfileShapes {
    ShapeList min, opt, max;
    bool hasMin{false}, hasOpt{false}, hasMax{false};
};

//! One --loadInputs entry.
struct InputFile {
    std::string name, path;
};

struct ExecOptions {
    // Model and engine.
    std::string onnx, loadEngine, saveEngine, timingCacheFile;
    // Build.
    std::vector<ProfileShapes> profiles;  //!< empty: only --shapes (or nothing) was given
    std::optional<size_t> workspaceBytes;
    int32_t optimizationLevel{-1};  //!< -1: the builder's default
    bool fp16{false}, bf16{false}, int8{false}, noTF32{false}, best{false};
    bool stronglyTyped{false};  //!< NetworkDefinitionCreationFlag::kSTRONGLY_TYPED: the model's types, no precision flags
    int32_t avgTiming{-1};      //!< timing runs averaged per tactic (-1: the builder's default)
    //! --layerPrecisions=name:type[,name:type] ("*" for every layer), applied only with
    //! --precisionConstraints=obey|prefer (as trtexec).
    std::vector<std::pair<std::string, DataType>> layerPrecisions;
    std::string precisionConstraints{"none"};  //!< none, obey or prefer
    std::string backend{"cpu"};
    int32_t device{0};
    // Inference.
    ShapeList shapes;
    int32_t profile{0};
    int32_t iterations{10};
    int32_t infStreams{1};  //!< execution contexts run concurrently, each from its own thread (and stream)
    float warmUpMs{200};
    float durationS{3};
    std::vector<InputFile> loadInputs;
    bool skipInference{false};
    bool useCudaGraph{false};
    bool noDataTransfers{false};  //!< GPU engines: no host/device copies in the timed runs
    bool useSpinWait{false};      //!< GPU engines: wait for the stream by polling, not blocking
    // Reporting.
    int32_t avgRuns{10};
    std::vector<float> percentiles{90, 95, 99};
    std::string exportTimes, exportOutput, exportProfile, exportLayerInfo;
    bool dumpProfile{false}, dumpLayerInfo{false}, verbose{false};
};

//! Parses argv[1..argc); on failure returns false with `error` set.
bool parseExecOptions(int argc, char** argv, ExecOptions& options, std::string& error);

//! "1024", "512K", "2G", "0.5M", "64B": bytes; no suffix means MiB (trtexec's unit).
std::optional<size_t> parseMemorySize(const std::string& text);

//! The "=== Model Options ===" ... blocks trtexec prints before it starts.
void printExecOptions(const ExecOptions& options, Logger& logger);

//! Shapes formatted as trtexec prints them ("input:1x3x224x224 other:4"), "model" when empty.
std::string shapesToString(const ShapeList& shapes);

}  // namespace kiln::cli
