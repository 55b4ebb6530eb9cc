#include "core/log.h"

#include <cstdio>

namespace kiln {

void LogSink::log(Severity severity, const std::string& msg) const {
    if (mLogger) {
        mLogger->log(severity, msg.c_str());
    } else if (severity <= Severity::kWARNING) {
        std::fprintf(stderr, "[kiln] %s\n", msg.c_str());
    }
}

void LogSink::error(ErrorCode code, const std::string& msg) const {
    log(code == ErrorCode::kINTERNAL_ERROR ? Severity::kINTERNAL_ERROR : Severity::kERROR, msg);
    if (mRecorder) mRecorder->reportError(code, msg.c_str());
}

}  // namespace kiln
