// Shared pieces of the kiln CLI: the console logger and file helpers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiln/kiln.h"

namespace kiln::cli {

//! trtexec-style log lines: "[11/24/2026-04:40:11] [I] message".
class ConsoleLogger : public Logger {
public:
    explicit ConsoleLogger(Severity level = Severity::kINFO) : mLevel(level) {}
    void log(Severity severity, const char* msg) noexcept override;
    void setLevel(Severity level) { mLevel = level; }
    int32_t errors() const { return mErrors; }

private:
    Severity mLevel;
    int32_t mErrors{0};
};

std::optional<std::vector<uint8_t>> readFile(const std::string& path);
bool writeFile(const std::string& path, const void* data, size_t size);
//! "name:1x3x224x224,other:4" → (name, dims) pairs; nullopt on a syntax error.
std::optional<std::vector<std::pair<std::string, Dims>>> parseShapes(const std::string& text);
std::string dimsToString(const Dims& d);

int runExec(int argc, char** argv);
int runInspect(int argc, char** argv);

}  // namespace kiln::cli
