#include "cli_util.h"

#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdlib>
#include <cstdio>
#include <ctime>
#include <filesystem>
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
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;  // a directory opens, then reads nothing
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

std::optional<Dims> parseDims(const std::string& text) {
    Dims d;
    d.nbDims = 0;
    if (text.empty()) return std::nullopt;
    std::stringstream ds(text);
    std::string part;
    while (std::getline(ds, part, 'x')) {
        int64_t v = 0;
        if (d.nbDims >= Dims::MAX_DIMS || !parseInt(part, v) || v < 0) return std::nullopt;
        d.d[d.nbDims++] = v;
    }
    if (text.back() == 'x') return std::nullopt;  // getline drops a trailing empty part
    return d;
}

std::optional<std::vector<std::pair<std::string, Dims>>> parseShapes(const std::string& text) {
    std::vector<std::pair<std::string, Dims>> out;
    if (text.empty()) return std::nullopt;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        // The last colon: tensor names such as "input:0" keep theirs.
        auto colon = item.rfind(':');
        if (colon == std::string::npos || colon == 0) return std::nullopt;
        std::string name = unquote(item.substr(0, colon));
        auto dims = parseDims(item.substr(colon + 1));
        if (!dims || name.empty()) return std::nullopt;
        out.emplace_back(name, *dims);
    }
    return out;
}

std::string unquote(const std::string& text) {
    if (text.size() >= 2 && (text.front() == '\'' || text.front() == '"') && text.back() == text.front())
        return text.substr(1, text.size() - 2);
    return text;
}

bool parseInt(const std::string& text, int64_t& value) {
    if (text.empty()) return false;
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (*end != '\0' || errno == ERANGE) return false;
    value = v;
    return true;
}

bool parseFloat(const std::string& text, double& value) {
    if (text.empty()) return false;
    errno = 0;
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (*end != '\0' || errno == ERANGE || !std::isfinite(v)) return false;
    value = v;
    return true;
}

int64_t volume(const Dims& d) {
    int64_t n = 1;
    for (int32_t i = 0; i < d.nbDims; ++i) n *= d.d[i];
    return n;
}

void logf(Logger& logger, Logger::Severity severity, const char* format, ...) {
    char small[1024];
    va_list args;
    va_start(args, format);
    int n = std::vsnprintf(small, sizeof small, format, args);
    va_end(args);
    if (n < 0) return;
    if (static_cast<size_t>(n) < sizeof small) {
        logger.log(severity, small);
        return;
    }
    std::string big(static_cast<size_t>(n) + 1, '\0');
    va_start(args, format);
    std::vsnprintf(big.data(), big.size(), format, args);
    va_end(args);
    logger.log(severity, big.c_str());
}

std::string dimsToString(const Dims& d) {
    std::ostringstream os;
    for (int32_t i = 0; i < d.nbDims; ++i) os << (i ? "x" : "") << d.d[i];
    return os.str();
}

}  // namespace kiln::cli
