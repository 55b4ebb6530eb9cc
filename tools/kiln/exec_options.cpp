// kiln exec: command-line parsing, trtexec's flags with trtexec's meanings and defaults.
#include "exec_options.h"

#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "cli_util.h"

namespace kiln::cli {
namespace {

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> parts;
    std::stringstream ss(text);
    std::string part;
    while (std::getline(ss, part, sep)) parts.push_back(part);
    return parts;
}

//! --loadInputs=name:file[,name:file]; a quoted name may hold colons ('input:0':x.bin).
bool parseLoadInputs(const std::string& value, std::vector<InputFile>& out, std::string& error) {
    for (const auto& item : split(value, ',')) {
        size_t colon = std::string::npos;
        if (!item.empty() && (item[0] == '\'' || item[0] == '"')) {
            size_t close = item.find(item[0], 1);
            if (close != std::string::npos && close + 1 < item.size() && item[close + 1] == ':') colon = close + 1;
        } else {
            colon = item.find(':');
        }
        if (colon == std::string::npos || colon == 0 || colon + 1 == item.size()) {
            error = "bad --loadInputs entry '" + item + "': expected name:file";
            return false;
        }
        out.push_back({unquote(item.substr(0, colon)), item.substr(colon + 1)});
    }
    return true;
}

//! --memPoolSize=workspace:N[,pool:N]: trtexec's pools; only the workspace exists in Kiln.
bool parseMemPools(const std::string& value, ExecOptions& o, std::string& error) {
    static const std::set<std::string> kDlaPools = {"dlaSRAM", "dlaLocalDRAM", "dlaGlobalDRAM"};
    for (const auto& item : split(value, ',')) {
        auto colon = item.find(':');
        std::string pool = item.substr(0, colon);
        auto size = colon == std::string::npos ? std::nullopt : parseMemorySize(item.substr(colon + 1));
        if (!size) {
            error = "bad --memPoolSize entry '" + item + "': expected pool:size, e.g. workspace:1024 (MiB) or workspace:2G";
            return false;
        }
        if (pool == "workspace") {
            o.workspaceBytes = *size;
        } else if (kDlaPools.count(pool) || pool == "tacticSharedMem") {
            error = "--memPoolSize: pool '" + pool + "' does not exist in Kiln (no DLA; shared memory is per kernel)";
            return false;
        } else {
            error = "--memPoolSize: unknown pool '" + pool + "' (Kiln has: workspace)";
            return false;
        }
    }
    return true;
}

//! Adds one --minShapes/--optShapes/--maxShapes; repeating one starts the next profile.
bool addProfileShapes(ExecOptions& o, OptProfileSelector which, const std::string& value, std::string& error) {
    auto shapes = parseShapes(value);
    if (!shapes) {
        error = "bad shapes '" + value + "': expected name:AxBxC[,name:...]";
        return false;
    }
    auto has = [](ProfileShapes& p, OptProfileSelector s) -> bool& {
        return s == OptProfileSelector::kMIN ? p.hasMin : s == OptProfileSelector::kOPT ? p.hasOpt : p.hasMax;
    };
    if (o.profiles.empty() || has(o.profiles.back(), which)) o.profiles.emplace_back();
    ProfileShapes& p = o.profiles.back();
    has(p, which) = true;
    (which == OptProfileSelector::kMIN ? p.min : which == OptProfileSelector::kOPT ? p.opt : p.max) = *shapes;
    return true;
}

const Dims* findShape(const ShapeList& list, const std::string& name) {
    for (const auto& [n, d] : list)
        if (n == name) return &d;
    return nullptr;
}

//! trtexec's rule: --optShapes alone (expanded to min = opt = max) or all three.
bool completeProfiles(ExecOptions& o, std::string& error) {
    for (size_t i = 0; i < o.profiles.size(); ++i) {
        ProfileShapes& p = o.profiles[i];
        if (p.hasOpt && !p.hasMin && !p.hasMax) {
            p.min = p.max = p.opt;
        } else if (!(p.hasMin && p.hasOpt && p.hasMax)) {
            error = "profile " + std::to_string(i) + ": must specify only --optShapes or all of --minShapes, --optShapes, --maxShapes";
            return false;
        }
        for (const ShapeList* list : {&p.min, &p.opt, &p.max})
            for (const auto& [name, dims] : *list)
                if (!findShape(p.min, name) || !findShape(p.opt, name) || !findShape(p.max, name)) {
                    error = "profile " + std::to_string(i) + ": input '" + name + "' needs min, opt and max shapes";
                    return false;
                }
    }
    return true;
}

bool validate(ExecOptions& o, std::string& error) {
    if (o.onnx.empty() == o.loadEngine.empty()) {
        error = o.onnx.empty() ? "no model given: use --onnx=<model.onnx> or --loadEngine=<file.engine>"
                               : "--onnx and --loadEngine exclude each other";
        return false;
    }
    if (o.backend != "cpu" && o.backend != "cuda") {
        error = "--backend must be cpu or cuda, not '" + o.backend + "'";
        return false;
    }
    if (o.backend == "cpu" && o.device != 0) {
        error = "--device=" + std::to_string(o.device) + ": the CPU backend has only device 0 (use --backend=cuda for GPUs)";
        return false;
    }
    if (o.stronglyTyped) {
        // As trtexec: a strongly typed network takes its precisions from the model.
        const char* flag = o.fp16 ? "--fp16" : o.bf16 ? "--bf16" : o.int8 ? "--int8" : o.best ? "--best"
                           : o.layerPrecisions.empty() ? nullptr : "--layerPrecisions";
        if (flag) {
            error = std::string("Invalid usage: ") + flag +
                    " is not allowed with --stronglyTyped (the model's types are used; cast in the model instead)";
            return false;
        }
    }
    return completeProfiles(o, error);
}

}  // namespace

std::optional<size_t> parseMemorySize(const std::string& text) {
    if (text.empty()) return std::nullopt;
    double scale = 1024.0 * 1024.0;  // trtexec: no unit means MiB
    std::string number = text;
    switch (text.back()) {
        case 'B': scale = 1; break;
        case 'K': scale = 1024.0; break;
        case 'M': scale = 1024.0 * 1024.0; break;
        case 'G': scale = 1024.0 * 1024.0 * 1024.0; break;
        default: break;
    }
    if (std::string("BKMG").find(text.back()) != std::string::npos) number.pop_back();
    double value = 0;
    if (!parseFloat(number, value) || value < 0) return std::nullopt;
    double bytes = value * scale;
    if (bytes > 9.0e18) return std::nullopt;
    return static_cast<size_t>(std::llround(bytes));
}

bool parseExecOptions(int argc, char** argv, ExecOptions& o, std::string& error) {
    using Setter = std::function<bool(const std::string&)>;
    auto intIn = [&](int32_t& out, int64_t lo, int64_t hi) -> Setter {
        return [&out, lo, hi](const std::string& v) {
            int64_t n = 0;
            if (!parseInt(v, n) || n < lo || n > hi) return false;
            out = static_cast<int32_t>(n);
            return true;
        };
    };
    auto floatIn = [&](float& out, double lo) -> Setter {
        return [&out, lo](const std::string& v) {
            double x = 0;
            if (!parseFloat(v, x) || x < lo) return false;
            out = static_cast<float>(x);
            return true;
        };
    };
    auto str = [](std::string& out) -> Setter {
        return [&out](const std::string& v) {
            out = v;
            return true;
        };
    };
    // Options with a value (--key=value): an empty or malformed value is an error.
    std::map<std::string, Setter> valued = {
        {"--onnx", str(o.onnx)},
        {"--loadEngine", str(o.loadEngine)},
        {"--saveEngine", str(o.saveEngine)},
        {"--timingCacheFile", str(o.timingCacheFile)},
        {"--exportTimes", str(o.exportTimes)},
        {"--exportOutput", str(o.exportOutput)},
        {"--exportProfile", str(o.exportProfile)},
        {"--exportLayerInfo", str(o.exportLayerInfo)},
        {"--backend", str(o.backend)},
        {"--iterations", intIn(o.iterations, 1, INT32_MAX)},
        {"--infStreams", intIn(o.infStreams, 1, 256)},
        {"--avgRuns", intIn(o.avgRuns, 1, INT32_MAX)},
        {"--profile", intIn(o.profile, 0, INT32_MAX)},
        {"--useProfile", intIn(o.profile, 0, INT32_MAX)},  // trtexec 10's name for the same
        {"--device", intIn(o.device, 0, INT32_MAX)},
        {"--builderOptimizationLevel", intIn(o.optimizationLevel, 0, 5)},
        {"--avgTiming", intIn(o.avgTiming, 1, 1000)},
        {"--warmUp", floatIn(o.warmUpMs, 0)},
        {"--duration", floatIn(o.durationS, 0)},
        {"--shapes", [&](const std::string& v) {
             auto s = parseShapes(v);
             if (s) o.shapes = *s;
             return s.has_value();
         }},
        {"--minShapes", [&](const std::string& v) { return addProfileShapes(o, OptProfileSelector::kMIN, v, error); }},
        {"--optShapes", [&](const std::string& v) { return addProfileShapes(o, OptProfileSelector::kOPT, v, error); }},
        {"--maxShapes", [&](const std::string& v) { return addProfileShapes(o, OptProfileSelector::kMAX, v, error); }},
        {"--memPoolSize", [&](const std::string& v) { return parseMemPools(v, o, error); }},
        {"--loadInputs", [&](const std::string& v) { return parseLoadInputs(v, o.loadInputs, error); }},
        {"--layerPrecisions", [&](const std::string& v) {
             o.layerPrecisions.clear();
             const std::map<std::string, DataType> types = {{"fp32", DataType::kFLOAT}, {"fp16", DataType::kHALF},
                                                            {"bf16", DataType::kBF16},  {"int8", DataType::kINT8},
                                                            {"int32", DataType::kINT32}};
             for (const auto& item : split(v, ',')) {
                 const auto colon = item.rfind(':');
                 if (colon == std::string::npos || colon == 0) return false;
                 auto t = types.find(item.substr(colon + 1));
                 if (t == types.end()) {
                     error = "--layerPrecisions: '" + item.substr(colon + 1) + "' is not one of fp32, fp16, bf16, int8, int32";
                     return false;
                 }
                 o.layerPrecisions.emplace_back(item.substr(0, colon), t->second);
             }
             return !o.layerPrecisions.empty();
         }},
        {"--precisionConstraints", [&](const std::string& v) {
             if (v != "none" && v != "obey" && v != "prefer") return false;
             o.precisionConstraints = v;
             return true;
         }},
        {"--percentile", [&](const std::string& v) {
             o.percentiles.clear();
             for (const auto& p : split(v, ',')) {
                 double x = 0;
                 if (!parseFloat(p, x) || x < 0 || x > 100) return false;
                 o.percentiles.push_back(static_cast<float>(x));
             }
             return !o.percentiles.empty();
         }},
    };
    const std::map<std::string, bool*> flags = {
        {"--fp16", &o.fp16},           {"--bf16", &o.bf16},
        {"--int8", &o.int8},           {"--noTF32", &o.noTF32},
        {"--best", &o.best},           {"--skipInference", &o.skipInference},
        {"--dumpProfile", &o.dumpProfile}, {"--dumpLayerInfo", &o.dumpLayerInfo},
        {"--verbose", &o.verbose},     {"--useCudaGraph", &o.useCudaGraph},
        {"--noDataTransfers", &o.noDataTransfers}, {"--useSpinWait", &o.useSpinWait},
        {"--stronglyTyped", &o.stronglyTyped},
    };
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto eq = arg.find('=');
        std::string key = arg.substr(0, eq);
        std::string value = eq == std::string::npos ? "" : arg.substr(eq + 1);
        if (auto f = flags.find(key); f != flags.end()) {
            if (eq != std::string::npos) {
                error = "option " + key + " takes no value";
                return false;
            }
            *f->second = true;
        } else if (auto v = valued.find(key); v != valued.end()) {
            if (value.empty()) {
                error = "option " + key + " needs a value (" + key + "=...)";
                return false;
            }
            error.clear();
            if (!v->second(value)) {
                if (error.empty()) error = "bad value for " + key + ": '" + value + "'";
                return false;
            }
        } else {
            error = "unknown option '" + arg + "' (kiln exec --help lists the options)";
            return false;
        }
    }
    return validate(o, error);
}

std::string shapesToString(const ShapeList& shapes) {
    if (shapes.empty()) return "model";
    std::string s;
    for (const auto& [name, dims] : shapes) s += (s.empty() ? "" : " ") + name + ":" + dimsToString(dims);
    return s;
}

void printExecOptions(const ExecOptions& o, Logger& logger) {
    auto info = [&](const std::string& line) { logger.log(Logger::Severity::kINFO, line.c_str()); };
    auto onOff = [](bool b) { return std::string(b ? "Enabled" : "Disabled"); };
    info("=== Model Options ===");
    info(std::string("Format: ") + (o.onnx.empty() ? "*" : "ONNX"));
    info("Model: " + (o.onnx.empty() ? o.loadEngine : o.onnx));
    info("=== Build Options ===");
    if (o.workspaceBytes) {
        std::ostringstream os;
        os << "Memory Pools: workspace: " << static_cast<double>(*o.workspaceBytes) / (1024.0 * 1024.0) << " MiB";
        info(os.str());
    } else {
        info("Memory Pools: workspace: default");
    }
    info("Optimization Level: " + (o.optimizationLevel < 0 ? std::string("default") : std::to_string(o.optimizationLevel)));
    std::string precision = "FP32";
    if (o.fp16 || o.best) precision += "+FP16";
    if (o.bf16 || o.best) precision += "+BF16";
    if (o.int8 || o.best) precision += "+INT8";
    info("Precision: " + precision + (o.noTF32 ? " (TF32 disabled)" : ""));
    std::string layers;
    for (const auto& [name, type] : o.layerPrecisions) layers += (layers.empty() ? "" : ",") + name + ":" + dataTypeName(type);
    info("Layer Precisions: " + (layers.empty() ? std::string("none") : layers));
    info("Precision Constraints: " + o.precisionConstraints);
    info("Strongly typed: " + onOff(o.stronglyTyped));
    info("Average timing: " + (o.avgTiming < 0 ? std::string("default") : std::to_string(o.avgTiming)) + " runs per tactic");
    info("Timing Cache: " + (o.timingCacheFile.empty() ? std::string("local") : "file " + o.timingCacheFile));
    if (o.profiles.empty()) info("Input build shapes: " + shapesToString(o.shapes));
    for (size_t p = 0; p < o.profiles.size(); ++p) {
        std::string line;
        for (const auto& [name, min] : o.profiles[p].min) {
            const Dims* opt = findShape(o.profiles[p].opt, name);
            const Dims* max = findShape(o.profiles[p].max, name);
            line += (line.empty() ? "" : " ") + name + "=" + dimsToString(min) + "+" + dimsToString(*opt) + "+" +
                    dimsToString(*max);
        }
        info("Input build shape (profile " + std::to_string(p) + "): " + line);
    }
    info("Save engine: " + o.saveEngine);
    info("Load engine: " + o.loadEngine);
    info("Backend: " + o.backend + ", device " + std::to_string(o.device));
    info("=== Inference Options ===");
    info("Input inference shapes: " + shapesToString(o.shapes));
    info("Optimization profile: " + std::to_string(o.profile));
    info("Iterations: " + std::to_string(o.iterations));
    info("Streams: " + std::to_string(o.infStreams));
    std::ostringstream dur;
    dur << "Duration: " << o.durationS << "s (+ " << o.warmUpMs << "ms warm up)";
    info(dur.str());
    std::string inputs;
    for (const auto& f : o.loadInputs) inputs += (inputs.empty() ? "" : ", ") + f.name + "<-" + f.path;
    info("Inputs: " + (inputs.empty() ? std::string("random") : inputs));
    info("CUDA Graph: " + onOff(o.useCudaGraph));
    info("Data transfers: " + onOff(!o.noDataTransfers));
    info("Spin-wait: " + onOff(o.useSpinWait));
    info("Skip inference: " + onOff(o.skipInference));
    info("=== Reporting Options ===");
    info("Verbose: " + onOff(o.verbose));
    info("Averages: " + std::to_string(o.avgRuns) + " inferences");
    std::ostringstream pct;
    for (size_t i = 0; i < o.percentiles.size(); ++i) pct << (i ? "," : "") << o.percentiles[i];
    info("Percentiles: " + pct.str());
    info("Dump layer info: " + onOff(o.dumpLayerInfo));
    info("Profile: " + onOff(o.dumpProfile || !o.exportProfile.empty()));
    info("Export timing to JSON file: " + o.exportTimes);
    info("Export output to JSON file: " + o.exportOutput);
    info("Export profile to JSON file: " + o.exportProfile);
}

}  // namespace kiln::cli
