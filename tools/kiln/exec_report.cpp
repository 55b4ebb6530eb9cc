#include "exec_report.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cli_util.h"
#include "tensor_values.h"

namespace kiln::cli {
namespace {

using Severity = Logger::Severity;

float median(std::vector<float> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void summarize(Logger& logger, const char* what, std::vector<float> t, const std::vector<float>& percentiles) {
    std::sort(t.begin(), t.end());
    double sum = 0;
    for (float v : t) sum += v;
    char buf[128];
    std::snprintf(buf, sizeof buf, "%s: min = %.5f ms, max = %.5f ms, mean = %.5f ms, median = %.5f ms", what,
                  t.empty() ? 0 : t.front(), t.empty() ? 0 : t.back(), t.empty() ? 0 : sum / t.size(), median(t));
    std::string line = buf;
    for (float p : percentiles) {
        std::snprintf(buf, sizeof buf, ", percentile(%g%%) = %.5f ms", p, percentile(t, p));
        line += buf;
    }
    logger.log(Severity::kINFO, line.c_str());
}

bool writeJson(const nlohmann::ordered_json& j, const std::string& path, const char* what, Logger& logger) {
    std::ofstream out(path);
    out << j.dump(2) << "\n";
    if (!out) {
        logf(logger, Severity::kERROR, "Cannot write %s to %s", what, path.c_str());
        return false;
    }
    logf(logger, Severity::kINFO, "%s exported to %s", what, path.c_str());
    return true;
}

struct Timing {
    float h2d, compute, d2h, enq, latency;
};

Timing timingOf(const InferenceTrace& t) {
    Timing r;
    r.h2d = static_cast<float>(t.h2dEnd - t.h2dStart);
    r.compute = static_cast<float>(t.computeEnd - t.computeStart);
    r.d2h = static_cast<float>(t.d2hEnd - t.d2hStart);
    r.enq = static_cast<float>(t.enqEnd - t.enqStart);
    r.latency = r.h2d + r.compute + r.d2h;  // trtexec's host latency
    return r;
}

}  // namespace

float percentile(const std::vector<float>& sorted, float p) {
    if (sorted.empty()) return 0;
    int64_t index = static_cast<int64_t>(std::ceil(p / 100.0 * sorted.size())) - 1;
    index = std::clamp<int64_t>(index, 0, static_cast<int64_t>(sorted.size()) - 1);
    return sorted[index];
}

void printPerformanceSummary(const InferenceResult& result, const ExecOptions& o, Logger& logger) {
    std::vector<float> latency, enqueue, h2d, compute, d2h;
    for (const auto& trace : result.traces) {
        Timing t = timingOf(trace);
        latency.push_back(t.latency);
        enqueue.push_back(t.enq);
        h2d.push_back(t.h2d);
        compute.push_back(t.compute);
        d2h.push_back(t.d2h);
    }
    // trtexec's --avgRuns: averages of consecutive groups of runs, printed before the summary.
    logger.log(Severity::kINFO, "");
    logger.log(Severity::kINFO, "=== Trace details ===");
    logf(logger, Severity::kINFO, "Trace averages of %d runs:", o.avgRuns);
    for (size_t begin = 0; begin + static_cast<size_t>(o.avgRuns) <= latency.size(); begin += static_cast<size_t>(o.avgRuns)) {
        double gpu = 0, host = 0, enq = 0;
        for (size_t i = begin; i < begin + static_cast<size_t>(o.avgRuns); ++i) {
            gpu += compute[i];
            host += latency[i];
            enq += enqueue[i];
        }
        logf(logger, Severity::kINFO, "Average on %d runs - GPU latency: %.5f ms - Host latency: %.5f ms (enqueue %.5f ms)",
             o.avgRuns, gpu / o.avgRuns, host / o.avgRuns, enq / o.avgRuns);
    }
    logger.log(Severity::kINFO, "");
    logger.log(Severity::kINFO, "=== Performance summary ===");
    double seconds = result.benchMs / 1000.0;
    logf(logger, Severity::kINFO, "Throughput: %.3f qps", seconds > 0 ? result.traces.size() / seconds : 0.0);
    summarize(logger, "Latency", latency, o.percentiles);
    summarize(logger, "Enqueue Time", enqueue, o.percentiles);
    summarize(logger, "H2D Latency", h2d, o.percentiles);
    summarize(logger, "GPU Compute Time", compute, o.percentiles);
    summarize(logger, "D2H Latency", d2h, o.percentiles);
    double totalCompute = 0;
    for (float c : compute) totalCompute += c;
    logf(logger, Severity::kINFO, "Total Host Walltime: %.5f s", seconds);
    logf(logger, Severity::kINFO, "Total GPU Compute Time: %.5f s", totalCompute / 1000.0);
    logger.log(Severity::kINFO,
               "(CPU engine: compute runs on the host, so H2D/D2H are zero and compute equals latency)");
}

void printLayerProfile(const LayerProfiler& profiler, Logger& logger) {
    int32_t runs = std::max(profiler.getNbRuns(), 1);
    double total = 0;
    for (const auto& l : profiler.layers())
        for (float t : l.runs) total += t;
    logf(logger, Severity::kINFO, "=== Profile (%d iterations ) ===", profiler.getNbRuns());
    logf(logger, Severity::kINFO, "%11s %11s %11s %9s   Layer", "Time(ms)", "Avg.(ms)", "Median(ms)", "Time(%)");
    for (const auto& l : profiler.layers()) {
        double sum = 0;
        for (float t : l.runs) sum += t;
        logf(logger, Severity::kINFO, "%11.2f %11.4f %11.4f %9.1f   %s", sum, sum / runs, median(l.runs),
             total > 0 ? sum / total * 100 : 0.0, l.name.c_str());
    }
    logf(logger, Severity::kINFO, "%11.2f %11.4f %11s %9.1f   Total", total, total / runs, "", 100.0);
}

std::map<std::string, std::string> fusedLayerNames(const Engine& engine) {
    std::map<std::string, std::string> names;
    auto info = nlohmann::json::parse(engine.getLayerInformationJson(), nullptr, false);
    if (info.is_discarded() || !info.contains("layers")) return names;
    for (const auto& l : info["layers"]) {
        if (!l.contains("name") || !l.contains("fused") || !l["fused"].is_array() || l["fused"].empty()) continue;
        std::string name = l["name"].get<std::string>();
        for (const auto& f : l["fused"])
            if (f.is_string()) name += " + " + f.get<std::string>();
        names[l["name"].get<std::string>()] = name;
    }
    return names;
}

void printLayerInfo(const Engine& engine, Logger& logger) {
    auto info = nlohmann::json::parse(engine.getLayerInformationJson(), nullptr, false);
    if (info.is_discarded() || !info.contains("layers")) {
        logger.log(Severity::kWARNING, "The engine has no layer information");
        return;
    }
    logger.log(Severity::kINFO, "Layer Information:");
    for (const auto& l : info["layers"]) logger.log(Severity::kINFO, l.dump().c_str());
}

bool exportTimes(const InferenceResult& result, const std::string& path, Logger& logger) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const auto& t : result.traces) {
        Timing m = timingOf(t);
        j.push_back({{"startEnqMs", t.enqStart},       {"endEnqMs", t.enqEnd},       {"startH2dMs", t.h2dStart},
                     {"endH2dMs", t.h2dEnd},           {"startComputeMs", t.computeStart}, {"endComputeMs", t.computeEnd},
                     {"startD2hMs", t.d2hStart},       {"endD2hMs", t.d2hEnd},       {"h2dMs", m.h2d},
                     {"computeMs", m.compute},         {"d2hMs", m.d2h},             {"latencyMs", m.latency},
                     {"endToEndMs", t.d2hEnd - t.h2dStart}});
    }
    return writeJson(j, path, "Timing trace", logger);
}

bool exportOutput(const InferenceResult& result, const std::string& path, Logger& logger) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const auto& buf : result.buffers) {
        if (buf.isInput) continue;
        nlohmann::ordered_json t{{"name", buf.name}, {"dimensions", dimsToString(buf.dims)}};
        nlohmann::ordered_json values = valuesToJson(buf.data, buf.type);
        if (values.is_null())
            logf(logger, Severity::kWARNING, "Output '%s' (%s): values are not exported for this type", buf.name.c_str(),
                 dataTypeName(buf.type));
        else
            t["values"] = std::move(values);
        j.push_back(std::move(t));
    }
    return writeJson(j, path, "Output tensors", logger);
}

bool exportProfile(const LayerProfiler& profiler, const std::string& path, Logger& logger) {
    int32_t runs = std::max(profiler.getNbRuns(), 1);
    double total = 0;
    for (const auto& l : profiler.layers())
        for (float t : l.runs) total += t;
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    j.push_back({{"count", profiler.getNbRuns()}});
    for (const auto& l : profiler.layers()) {
        double sum = 0;
        for (float t : l.runs) sum += t;
        j.push_back({{"name", l.name},
                     {"timeMs", sum},
                     {"averageMs", sum / runs},
                     {"medianMs", median(l.runs)},
                     {"percentage", total > 0 ? sum / total * 100 : 0.0}});
    }
    return writeJson(j, path, "Profile", logger);
}

bool exportLayerInfo(const Engine& engine, const std::string& path, Logger& logger) {
    auto info = nlohmann::ordered_json::parse(engine.getLayerInformationJson(), nullptr, false);
    if (info.is_discarded()) info = nlohmann::ordered_json::object();
    return writeJson(info, path, "Layer information", logger);
}

}  // namespace kiln::cli
