// Logger and ErrorRecorder: how Kiln reports everything it does and every failure.
// The API never throws; failures reach the application through these two interfaces.
#pragma once

#include <cstdint>

#include "kiln/types.h"

namespace kiln {

//! Receives every message Kiln emits, each with a severity (TensorRT's ILogger).
class KILN_API Logger {
public:
    enum class Severity : int32_t { kINTERNAL_ERROR = 0, kERROR = 1, kWARNING = 2, kINFO = 3, kVERBOSE = 4 };
    virtual ~Logger() = default;
    virtual void log(Severity severity, const char* msg) noexcept = 0;
};

//! TensorRT's error codes, in TensorRT's order.
enum class ErrorCode : int32_t {
    kSUCCESS = 0,
    kUNSPECIFIED_ERROR = 1,
    kINTERNAL_ERROR = 2,
    kINVALID_ARGUMENT = 3,
    kINVALID_CONFIG = 4,
    kFAILED_ALLOCATION = 5,
    kFAILED_INITIALIZATION = 6,
    kFAILED_EXECUTION = 7,
    kFAILED_COMPUTATION = 8,
    kINVALID_STATE = 9,
    kUNSUPPORTED_STATE = 10,
};

KILN_API const char* errorCodeName(ErrorCode code) noexcept;

//! Optional: collects (code, description) pairs so an application can inspect failures.
class KILN_API ErrorRecorder {
public:
    virtual ~ErrorRecorder() = default;
    virtual int32_t getNbErrors() const noexcept = 0;
    virtual ErrorCode getErrorCode(int32_t index) const noexcept = 0;
    virtual const char* getErrorDesc(int32_t index) const noexcept = 0;
    virtual bool hasOverflowed() const noexcept = 0;
    virtual void clear() noexcept = 0;
    //! Returns true if the error should be treated as fatal by the caller.
    virtual bool reportError(ErrorCode code, const char* desc) noexcept = 0;
};

}  // namespace kiln
