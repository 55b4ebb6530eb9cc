#include "cli_util.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

namespace kiln::cli {

void ConsoleLogger::log(Severity severity, const char* msg) noexcept {
    if (severity <= Severity::kERROR) ++mErrors;
    if (severity > mLevel) return;
    static const char* kTags[] = {"F", "E", "W", "I", "V"};
    std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%m/%d/%Y-%H:%M:%S", std::localtime(&now));
    std::FILE* out = severity <= Severity::kWARNING ? stderr : stdout;
    std::fprintf(out, "[%s] [%s] %s\n", stamp, kTags[static_cast<int>(severity)], msg);
}

std::optional<std::vector<uint8_t>> readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return bytes;
}

bool writeFile(const std::string& path, const void* data, size_t size) {
    std::ofstream out(path, std::ios::binary);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    return static_cast<bool>(out);
}

std::optional<std::vector<std::pair<std::string, Dims>>> parseShapes(const std::string& text) {
    std::vector<std::pair<std::string, Dims>> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        auto colon = item.rfind(':');
        if (colon == std::string::npos || colon == 0) return std::nullopt;
        std::string name = item.substr(0, colon);
        std::string dims = item.substr(colon + 1);
        Dims d;
        d.nbDims = 0;
        std::stringstream ds(dims);
        std::string part;
        while (std::getline(ds, part, 'x')) {
            if (part.empty() || d.nbDims >= Dims::MAX_DIMS) return std::nullopt;
            char* end = nullptr;
            long long v = std::strtoll(part.c_str(), &end, 10);
            if (*end != '\0' || v < 0) return std::nullopt;
            d.d[d.nbDims++] = v;
        }
        out.emplace_back(name, d);
    }
    return out;
}

std::string dimsToString(const Dims& d) {
    std::ostringstream os;
    for (int32_t i = 0; i < d.nbDims; ++i) os << (i ? "x" : "") << d.d[i];
    return os.str();
}

}  // namespace kiln::cli
