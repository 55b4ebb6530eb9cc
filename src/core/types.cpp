#include <algorithm>

#include "kiln/logger.h"
#include "kiln/types.h"

namespace kiln {

size_t dataTypeSize(DataType type) noexcept {
    switch (type) {
        case DataType::kFLOAT: return 4;
        case DataType::kHALF: return 2;
        case DataType::kBF16: return 2;
        case DataType::kINT8: return 1;
        case DataType::kUINT8: return 1;
        case DataType::kBOOL: return 1;
        case DataType::kINT32: return 4;
        case DataType::kINT64: return 8;
        case DataType::kDOUBLE: return 8;
        case DataType::kUINT16: return 2;
        case DataType::kUINT32: return 4;
        case DataType::kUINT64: return 8;
        case DataType::kFP8:
        case DataType::kFP8E4M3FNUZ:
        case DataType::kFP8E5M2:
        case DataType::kFP8E5M2FNUZ:
        case DataType::kFP4:  // one element per byte (the low nibble)
        case DataType::kE8M0:
        case DataType::kINT2:  // one element per byte
        case DataType::kUINT2: return 1;
        case DataType::kINT4:
        case DataType::kINT16: return 0;
    }
    return 0;
}

const char* dataTypeName(DataType type) noexcept {
    switch (type) {
        case DataType::kFLOAT: return "float32";
        case DataType::kHALF: return "float16";
        case DataType::kBF16: return "bfloat16";
        case DataType::kINT8: return "int8";
        case DataType::kUINT8: return "uint8";
        case DataType::kBOOL: return "bool";
        case DataType::kINT32: return "int32";
        case DataType::kINT64: return "int64";
        case DataType::kDOUBLE: return "float64";
        case DataType::kFP8: return "fp8e4m3fn";
        case DataType::kFP8E4M3FNUZ: return "fp8e4m3fnuz";
        case DataType::kFP8E5M2: return "fp8e5m2";
        case DataType::kFP8E5M2FNUZ: return "fp8e5m2fnuz";
        case DataType::kFP4: return "fp4e2m1";
        case DataType::kE8M0: return "e8m0";
        case DataType::kINT2: return "int2";
        case DataType::kUINT2: return "uint2";
        case DataType::kUINT16: return "uint16";
        case DataType::kUINT32: return "uint32";
        case DataType::kUINT64: return "uint64";
        case DataType::kINT4: return "int4";
        case DataType::kINT16: return "int16";
    }
    return "unknown";
}

Dims makeDims(std::initializer_list<int64_t> values) noexcept {
    Dims d;
    d.nbDims = static_cast<int32_t>(std::min<size_t>(values.size(), Dims::MAX_DIMS));
    int i = 0;
    for (int64_t v : values) {
        if (i >= Dims::MAX_DIMS) break;
        d.d[i++] = v;
    }
    return d;
}

const char* errorCodeName(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::kSUCCESS: return "kSUCCESS";
        case ErrorCode::kUNSPECIFIED_ERROR: return "kUNSPECIFIED_ERROR";
        case ErrorCode::kINTERNAL_ERROR: return "kINTERNAL_ERROR";
        case ErrorCode::kINVALID_ARGUMENT: return "kINVALID_ARGUMENT";
        case ErrorCode::kINVALID_CONFIG: return "kINVALID_CONFIG";
        case ErrorCode::kFAILED_ALLOCATION: return "kFAILED_ALLOCATION";
        case ErrorCode::kFAILED_INITIALIZATION: return "kFAILED_INITIALIZATION";
        case ErrorCode::kFAILED_EXECUTION: return "kFAILED_EXECUTION";
        case ErrorCode::kFAILED_COMPUTATION: return "kFAILED_COMPUTATION";
        case ErrorCode::kINVALID_STATE: return "kINVALID_STATE";
        case ErrorCode::kUNSUPPORTED_STATE: return "kUNSUPPORTED_STATE";
    }
    return "kUNKNOWN";
}

}  // namespace kiln
