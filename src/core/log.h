// The internal logging sink: a Logger plus an optional ErrorRecorder.
// error() both logs at ERROR and reports (code, text) to the recorder, as TensorRT does.
#pragma once

#include <sstream>
#include <string>

#include "kiln/logger.h"

namespace kiln {

class LogSink {
public:
    using Severity = Logger::Severity;
    explicit LogSink(Logger* logger = nullptr, ErrorRecorder* recorder = nullptr)
        : mLogger(logger), mRecorder(recorder) {}

    void setRecorder(ErrorRecorder* recorder) { mRecorder = recorder; }
    ErrorRecorder* recorder() const { return mRecorder; }
    Logger* logger() const { return mLogger; }

    void log(Severity severity, const std::string& msg) const;
    void error(ErrorCode code, const std::string& msg) const;
    void warning(const std::string& msg) const { log(Severity::kWARNING, msg); }
    void info(const std::string& msg) const { log(Severity::kINFO, msg); }
    void verbose(const std::string& msg) const { log(Severity::kVERBOSE, msg); }

private:
    Logger* mLogger;
    ErrorRecorder* mRecorder;
};

//! KILN_LOG(sink, kINFO) << "..."; formats and emits when the statement ends.
class LogLine {
public:
    LogLine(const LogSink& sink, Logger::Severity severity) : mSink(sink), mSeverity(severity) {}
    ~LogLine() { mSink.log(mSeverity, mStream.str()); }
    template <class T>
    LogLine& operator<<(const T& value) {
        mStream << value;
        return *this;
    }

private:
    const LogSink& mSink;
    Logger::Severity mSeverity;
    std::ostringstream mStream;
};

}  // namespace kiln

#define KILN_LOG(sink, sev) ::kiln::LogLine((sink), ::kiln::Logger::Severity::sev)
