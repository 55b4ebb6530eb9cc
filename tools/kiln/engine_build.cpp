// Profiles from the command line's shapes (trtexec's rules), config settings, timing cache file.
#include "engine_build.h"

#include <chrono>
#include <filesystem>
#include <set>

#include "cli_util.h"
#include "onnx_model.h"
#include "progress_monitor.h"

namespace kiln::cli {
namespace {

using Severity = Logger::Severity;

const Dims* find(const ShapeList& list, const std::string& name) {
    for (const auto& [n, d] : list)
        if (n == name) return &d;
    return nullptr;
}

//! Every shape names an input, and a static input is only ever given its own dims.
bool checkShapeNames(const NetworkDefinition& network, const BuildRequest& r, Logger& logger) {
    std::set<std::string> inputs;
    std::string list;
    for (int32_t i = 0; i < network.getNbInputs(); ++i) {
        inputs.insert(network.getInput(i)->getName());
        list += (list.empty() ? "" : ", ") + std::string(network.getInput(i)->getName());
    }
    auto check = [&](const ShapeList& shapes, const char* flag) {
        for (const auto& [name, dims] : shapes) {
            if (!inputs.count(name)) {
                logf(logger, Severity::kERROR, "%s names '%s', which is not an input of the model (inputs: %s)", flag,
                     name.c_str(), list.c_str());
                return false;
            }
        }
        return true;
    };
    if (!check(r.shapes, "--shapes")) return false;
    for (const auto& p : r.profiles)
        if (!check(p.min, "--minShapes") || !check(p.opt, "--optShapes") || !check(p.max, "--maxShapes")) return false;
    return true;
}

//! The (min, opt, max) of one input in profile `p`: its group, else --shapes, else the fallback.
bool shapesFor(const BuildRequest& r, size_t p, const std::string& name, Dims& min, Dims& opt, Dims& max) {
    if (p < r.profiles.size() && find(r.profiles[p].min, name)) {
        min = *find(r.profiles[p].min, name);
        opt = *find(r.profiles[p].opt, name);
        max = *find(r.profiles[p].max, name);
        return true;
    }
    for (const ShapeList* list : {&r.shapes, &r.fallbackShapes})
        if (const Dims* d = find(*list, name)) {
            min = opt = max = *d;
            return true;
        }
    return false;
}

bool addProfiles(Builder& builder, BuilderConfig& config, NetworkDefinition& network, const BuildRequest& r,
                 Logger& logger) {
    bool anyDynamic = false;
    for (int32_t i = 0; i < network.getNbInputs(); ++i) anyDynamic = anyDynamic || isDynamic(network.getInput(i)->getDimensions());
    if (!anyDynamic) {
        if (!r.profiles.empty())
            logf(logger, Severity::kWARNING, "The model has no dynamic inputs: --minShapes/--optShapes/--maxShapes are not used");
        return true;
    }
    size_t count = std::max<size_t>(r.profiles.size(), 1);
    for (size_t p = 0; p < count; ++p) {
        OptimizationProfile* profile = builder.createOptimizationProfile();
        if (!profile) return false;
        for (int32_t i = 0; i < network.getNbInputs(); ++i) {
            const Tensor& in = *network.getInput(i);
            if (!isDynamic(in.getDimensions())) continue;
            Dims min, opt, max;
            if (!shapesFor(r, p, in.getName(), min, opt, max)) {
                logf(logger, Severity::kERROR,
                     "Dynamic input '%s' has shape %s but no shapes were given for it%s: use --shapes=%s:<dims> or "
                     "--minShapes/--optShapes/--maxShapes",
                     in.getName(), dimsToString(in.getDimensions()).c_str(),
                     count > 1 ? (" in profile " + std::to_string(p)).c_str() : "", in.getName());
                return false;
            }
            logf(logger, Severity::kINFO, "Profile %zu: input %s: min %s, opt %s, max %s", p, in.getName(),
                 dimsToString(min).c_str(), dimsToString(opt).c_str(), dimsToString(max).c_str());
            if (!profile->setDimensions(in.getName(), OptProfileSelector::kMIN, min) ||
                !profile->setDimensions(in.getName(), OptProfileSelector::kOPT, opt) ||
                !profile->setDimensions(in.getName(), OptProfileSelector::kMAX, max))
                return false;
        }
        if (config.addOptimizationProfile(profile) < 0) {
            logf(logger, Severity::kERROR, "Optimization profile %zu is invalid (every input needs MIN <= OPT <= MAX)", p);
            return false;
        }
    }
    return true;
}

//! --layerPrecisions under --precisionConstraints=obey|prefer: each named layer (or every layer,
//! for "*") gets setPrecision; false (logged) when a name matches no layer.
bool applyLayerPrecisions(NetworkDefinition& network, BuilderConfig& config, const ExecOptions& o, Logger& logger) {
    if (o.precisionConstraints == "obey") config.setFlag(BuilderFlag::kOBEY_PRECISION_CONSTRAINTS);
    if (o.precisionConstraints == "prefer") config.setFlag(BuilderFlag::kPREFER_PRECISION_CONSTRAINTS);
    if (o.layerPrecisions.empty()) return true;
    if (o.precisionConstraints == "none") {
        logger.log(Severity::kWARNING,
                   "--layerPrecisions is ignored without --precisionConstraints=obey or --precisionConstraints=prefer");
        return true;
    }
    for (const auto& [name, type] : o.layerPrecisions) {
        int32_t matched = 0;
        for (int32_t i = 0; i < network.getNbLayers(); ++i) {
            Layer* layer = network.getLayer(i);
            if (name != "*" && name != layer->getName()) continue;
            layer->setPrecision(type);
            ++matched;
        }
        if (matched == 0) {
            logf(logger, Severity::kERROR, "--layerPrecisions: the network has no layer named '%s'", name.c_str());
            return false;
        }
        logf(logger, Severity::kVERBOSE, "--layerPrecisions: %s on %d layer%s", dataTypeName(type), matched,
             matched == 1 ? "" : "s");
    }
    return true;
}

void applySettings(BuilderConfig& config, const ExecOptions& o, Logger& logger) {
    if (o.fp16 || o.best) config.setFlag(BuilderFlag::kFP16);
    if (o.bf16 || o.best) config.setFlag(BuilderFlag::kBF16);
    if (o.int8 || o.best) config.setFlag(BuilderFlag::kINT8);
    if (o.noTF32) config.clearFlag(BuilderFlag::kTF32);
    if (o.workspaceBytes) config.setMemoryPoolLimit(MemoryPoolType::kWORKSPACE, *o.workspaceBytes);
    if (o.optimizationLevel >= 0) config.setBuilderOptimizationLevel(o.optimizationLevel);
    if (o.avgTiming > 0) config.setAvgTimingIterations(o.avgTiming);
    // Read back from the config: what the builder will see.
    logf(logger, Severity::kVERBOSE, "Builder config: workspace %zu bytes, optimization level %d, fp16 %d, bf16 %d, int8 %d, tf32 %d",
         config.getMemoryPoolLimit(MemoryPoolType::kWORKSPACE), config.getBuilderOptimizationLevel(),
         config.getFlag(BuilderFlag::kFP16), config.getFlag(BuilderFlag::kBF16), config.getFlag(BuilderFlag::kINT8),
         config.getFlag(BuilderFlag::kTF32));
}

//! --timingCacheFile: loaded when the file exists (a bad one is ignored by createTimingCache).
std::unique_ptr<TimingCache> loadTimingCache(BuilderConfig& config, const std::string& path, Logger& logger) {
    std::error_code ec;
    std::optional<std::vector<uint8_t>> bytes;
    if (std::filesystem::exists(path, ec)) {
        bytes = readFile(path);
        if (!bytes) logf(logger, Severity::kWARNING, "Could not read timing cache file %s: starting with an empty cache", path.c_str());
    }
    auto cache = bytes ? config.createTimingCache(bytes->data(), bytes->size()) : config.createTimingCache(nullptr, 0);
    if (!cache) cache = config.createTimingCache(nullptr, 0);
    if (!cache || !config.setTimingCache(*cache, false)) return nullptr;
    if (bytes) logf(logger, Severity::kINFO, "Loaded %zu bytes of timing cache from %s (%lld entries)", bytes->size(),
                    path.c_str(), static_cast<long long>(cache->getNbEntries()));
    return cache;
}

bool saveTimingCache(const TimingCache& cache, const std::string& path, Logger& logger) {
    auto blob = cache.serialize();
    if (!blob || !writeFile(path, blob->data(), blob->size())) {
        logf(logger, Severity::kERROR, "Could not write timing cache file %s", path.c_str());
        return false;
    }
    logf(logger, Severity::kINFO, "Saved %zu bytes of timing cache to %s", blob->size(), path.c_str());
    return true;
}

}  // namespace

std::unique_ptr<HostMemory> buildEngine(Builder& builder, NetworkDefinition& network, const BuildRequest& r,
                                        Logger& logger) {
    auto config = builder.createBuilderConfig();
    if (!config || !checkShapeNames(network, r, logger) || !addProfiles(builder, *config, network, r, logger)) return nullptr;
    std::unique_ptr<TimingCache> cache;
    if (r.options) {
        applySettings(*config, *r.options, logger);
        if (!applyLayerPrecisions(network, *config, *r.options, logger)) return nullptr;
        if (!r.options->timingCacheFile.empty()) {
            cache = loadTimingCache(*config, r.options->timingCacheFile, logger);
            if (!cache) return nullptr;
        }
    }
    ConsoleProgressMonitor progress(logger);
    config->setProgressMonitor(&progress);
    auto start = std::chrono::steady_clock::now();
    auto plan = builder.buildSerializedNetwork(network, *config);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!plan) {
        logf(logger, Severity::kERROR, "Engine could not be created from network");
        return nullptr;
    }
    logf(logger, Severity::kINFO, "Engine built in %.3f seconds.", seconds);
    if (cache && !saveTimingCache(*cache, r.options->timingCacheFile, logger)) return nullptr;
    return plan;
}

}  // namespace kiln::cli
