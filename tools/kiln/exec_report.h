// kiln exec: trtexec's reports (trace averages, performance summary, per-layer profile) and
// its JSON exports (--exportTimes, --exportOutput, --exportProfile, layer information).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "exec_inference.h"
#include "exec_options.h"
#include "kiln/kiln.h"

namespace kiln::cli {

//! trtexec's percentile: the value at ceil(p/100 * n) - 1 of the sorted values.
float percentile(const std::vector<float>& sorted, float p);

//! "=== Trace details ===" (averages of --avgRuns consecutive runs) and "=== Performance summary ===".
void printPerformanceSummary(const InferenceResult& result, const ExecOptions& options, Logger& logger);

//! "=== Profile (N iterations ) ===": per layer total, average and median time and share.
void printLayerProfile(const LayerProfiler& profiler, Logger& logger);
//! Each layer that fused others, named as TensorRT names it: "conv1 + bn1 + relu1" (from the
//! engine's layer information).
std::map<std::string, std::string> fusedLayerNames(const Engine& engine);

//! The layers of Engine::getLayerInformationJson, one line each (--dumpLayerInfo).
void printLayerInfo(const Engine& engine, Logger& logger);

bool exportTimes(const InferenceResult& result, const std::string& path, Logger& logger);
bool exportOutput(const InferenceResult& result, const std::string& path, Logger& logger);
bool exportProfile(const LayerProfiler& profiler, const std::string& path, Logger& logger);
bool exportLayerInfo(const Engine& engine, const std::string& path, Logger& logger);

}  // namespace kiln::cli
