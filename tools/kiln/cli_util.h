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
//! "AxBxC" → Dims (0 and positive values); nullopt on a syntax error.
std::optional<Dims> parseDims(const std::string& text);
//! Removes one pair of surrounding single or double quotes (trtexec accepts 'name':...).
std::string unquote(const std::string& text);
//! Strict whole-string number parsing.
bool parseInt(const std::string& text, int64_t& value);
bool parseFloat(const std::string& text, double& value);
int64_t volume(const Dims& d);

//! printf-style message through the logger (trtexec's "[timestamp] [I] text" lines).
void logf(Logger& logger, Logger::Severity severity, const char* format, ...) __attribute__((format(printf, 3, 4)));

int runExec(int argc, char** argv);
int runInspect(int argc, char** argv);

}  // namespace kiln::cli
