#include "core/env.h"
#include "kiln/version.h"

#include <cstdlib>
#include <cstring>
#include <sstream>

#include "core/status.h"

namespace kiln {

const std::vector<EnvKnob>& envKnobs() {
    static const std::vector<EnvKnob> knobs = {
        {"KILN_DISABLE_PASSES", "comma-separated pass names the builder skips (e.g. scale_folding)"},
        {"KILN_DUMP_GRAPH", "1: log the IR graph after every pass at VERBOSE"},
        {"KILN_NUM_THREADS", "threads for the CPU backend's fast tactics (default: all cores)"},
        {"KILN_TEST_SEED", "seed of the tests' random inputs (default: from the clock, printed on failure)"},
    };
    return knobs;
}

std::string getEnv(const char* name) {
    bool declared = false;
    for (const auto& k : envKnobs()) declared = declared || std::strcmp(k.name, name) == 0;
    KILN_CHECK_CODE(declared, ErrorCode::kINTERNAL_ERROR) << "undeclared environment knob " << name;
    const char* v = std::getenv(name);
    return v ? v : "";
}

std::vector<std::string> getEnvList(const char* name) {
    std::vector<std::string> out;
    std::stringstream ss(getEnv(name));
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

}  // namespace kiln

namespace kiln {
const char* listEnvironmentKnobs() noexcept {
    static const std::string text = [] {
        std::string t;
        for (const auto& k : envKnobs()) t += std::string(k.name) + "  " + k.description + "\n";
        return t;
    }();
    return text.c_str();
}
}  // namespace kiln
