// kiln exec: input data, the execution context and the timed runs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "exec_options.h"
#include "kiln/kiln.h"
#include "npy.h"

namespace kiln::cli {

//! One --loadInputs file, read before the build (a .npy's shape can give a dynamic input's).
struct InputData {
    std::string path;
    bool isNpy{false};
    NpyArray array;  //!< .npy: type, shape and data; raw files: data only
};
using InputDataMap = std::map<std::string, InputData>;

//! Reads every --loadInputs file; .npy files are parsed and checked here.
bool loadInputFiles(const std::vector<InputFile>& files, InputDataMap& out, Logger& logger);

//! The shapes of the .npy inputs (for dynamic inputs that --shapes does not name).
ShapeList npyShapes(const InputDataMap& inputs);

//! Before a build: every file names a network input and a .npy fits it (type, rank, static dims).
bool checkInputFiles(const NetworkDefinition& network, const InputDataMap& inputs, Logger& logger);

//! trtexec's timing trace of one inference, in ms since the benchmark started.
struct InferenceTrace {
    double enqStart{0}, enqEnd{0}, h2dStart{0}, h2dEnd{0}, computeStart{0}, computeEnd{0}, d2hStart{0}, d2hEnd{0};
};

struct TensorBuffer {
    std::string name;
    DataType type{DataType::kFLOAT};
    Dims dims;
    bool isInput{false};
    std::vector<uint8_t> data;
};

//! Per-layer times (Kiln's Profiler), one sum per layer per run; runs are closed by endRun().
class LayerProfiler : public Profiler {
public:
    struct Layer {
        std::string name;
        std::vector<float> runs;  //!< ms per run
    };
    void reportLayerTime(const char* layerName, float ms) noexcept override;
    void endRun();
    //! Names to report instead of the engine's layer names: TensorRT's "a + b + c" for a layer
    //! that fused others (fusedLayerNames in exec_report.h).
    void setDisplayNames(std::map<std::string, std::string> names) { mDisplay = std::move(names); }
    const std::vector<Layer>& layers() const { return mLayers; }
    int32_t getNbRuns() const { return mNbRuns; }

private:
    std::vector<Layer> mLayers;
    std::map<std::string, size_t> mIndex;
    std::map<std::string, std::string> mDisplay;
    std::vector<float> mCurrent;  //!< this run's sums, by layer index
    int32_t mNbRuns{0};
};

struct InferenceResult {
    std::vector<InferenceTrace> traces;  //!< the timed runs (warm-up excluded)
    int32_t nbWarmups{0};
    double warmupMs{0};
    double benchMs{0};  //!< first start to last end of the timed runs
    std::vector<TensorBuffer> buffers;
};

//! Selects the profile, sets shapes (--shapes, else the .npy's, else the profile's OPT), fills
//! inputs, warms up for --warmUp ms, then runs until --iterations and --duration are both reached.
bool runInference(Engine& engine, const ExecOptions& options, const InputDataMap& inputs, LayerProfiler* profiler,
                  InferenceResult& result, Logger& logger);

}  // namespace kiln::cli
