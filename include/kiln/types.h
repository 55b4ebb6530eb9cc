// Kiln public types: data types, dimensions, weights and the layer enums.
// Names and values follow TensorRT so that a TensorRT user reads them as expected.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>

#if defined(_WIN32)
#define KILN_API __declspec(dllexport)
#else
#define KILN_API __attribute__((visibility("default")))
#endif

namespace kiln {

enum class DataType : int32_t {
    kFLOAT = 0,
    kHALF = 1,
    kINT8 = 2,
    kINT32 = 3,
    kBOOL = 4,
    kUINT8 = 5,
    kFP8 = 6,  //!< E4M3FN, as TensorRT's kFP8 (ONNX FLOAT8E4M3FN)
    kBF16 = 7,
    kINT64 = 8,
    kINT4 = 9,
    kINT16 = 10,  // never accepted: exists so that it can be refused with a clear message
    kDOUBLE = 11,  // ONNX double (tensor(double)); the CPU backend computes it in double
    kUINT16 = 12,
    kUINT32 = 13,
    kUINT64 = 14,
    kFP8E4M3FNUZ = 15,  //!< the other 8-bit floats of ONNX (src/core/float8.h)
    kFP8E5M2 = 16,
    kFP8E5M2FNUZ = 17,
    kFP4 = 18,   //!< E2M1 (ONNX FLOAT4E2M1); Kiln stores one element per byte (low nibble)
    kE8M0 = 19,  //!< unsigned power-of-two scale (ONNX FLOAT8E8M0)
    kINT2 = 20,   //!< ONNX INT2, -2..1; Kiln stores one element per byte, as int8
    kUINT2 = 21,  //!< ONNX UINT2, 0..3; one element per byte, as uint8
};

//! Size in bytes of one element; 0 for types Kiln refuses (INT4, INT16).
KILN_API size_t dataTypeSize(DataType type) noexcept;
//! Short name ("float32", "int64", ...).
KILN_API const char* dataTypeName(DataType type) noexcept;

//! Dimensions of a tensor; -1 marks a dynamic dimension.
struct Dims {
    static constexpr int32_t MAX_DIMS = 8;
    int32_t nbDims{0};
    int64_t d[MAX_DIMS]{};
};

KILN_API Dims makeDims(std::initializer_list<int64_t> values) noexcept;

//! A permutation of up to MAX_DIMS axes, as for IShuffleLayer.
struct Permutation {
    int32_t order[Dims::MAX_DIMS]{0, 1, 2, 3, 4, 5, 6, 7};
};

//! Weights handed to a layer. The memory is borrowed until the engine is built.
struct Weights {
    DataType type{DataType::kFLOAT};
    const void* values{nullptr};
    int64_t count{0};
};

enum class DeviceType : int32_t { kCPU = 0, kGPU = 1 };

enum class LayerType : int32_t {
    kCONVOLUTION, kDECONVOLUTION, kMATRIX_MULTIPLY, kELEMENTWISE, kACTIVATION, kUNARY,
    kPOOLING, kREDUCE, kSOFTMAX, kNORMALIZATION, kSCALE, kCONCATENATION, kSHUFFLE, kSLICE,
    kGATHER, kSCATTER, kSELECT, kSHAPE, kCONSTANT, kIDENTITY, kCAST, kPADDING, kRESIZE, kTOPK,
    kFILL, kCUMULATIVE, kONE_HOT, kNON_ZERO, kSQUEEZE, kUNSQUEEZE, kEINSUM, kASSERTION,
};

enum class ActivationType : int32_t {
    kRELU, kSIGMOID, kTANH, kLEAKY_RELU, kELU, kSELU, kSOFTSIGN, kSOFTPLUS, kCLIP,
    kHARD_SIGMOID, kSCALED_TANH, kTHRESHOLDED_RELU, kGELU_ERF, kGELU_TANH,
    //! Kiln's own (TensorRT has none): x * max(0, min(1, alpha * x + beta)); ONNX HardSwish is
    //! alpha 1/6, beta 1/2. One pass where HardSigmoid and a product need two.
    kHARD_SWISH,
};

enum class ElementWiseOperation : int32_t {
    kSUM, kPROD, kMAX, kMIN, kSUB, kDIV, kPOW, kFLOOR_DIV, kAND, kOR, kXOR, kEQUAL, kGREATER,
    kLESS,
    kMOD,   //!< remainder with the sign of the divisor (Python's %, ONNX Mod fmod=0)
    kFMOD,  //!< remainder with the sign of the dividend (C's fmod and %, ONNX Mod fmod=1)
    kBITWISE_AND, kBITWISE_OR, kBITWISE_XOR,  //!< integers only
    kSHIFT_LEFT, kSHIFT_RIGHT,  //!< integers (ONNX BitShift-28): right shifts of signed values are arithmetic
};

enum class UnaryOperation : int32_t {
    kEXP, kLOG, kSQRT, kRECIP, kABS, kNEG, kSIN, kCOS, kTAN, kSINH, kCOSH, kASIN, kACOS, kATAN,
    kASINH, kACOSH, kATANH, kCEIL, kFLOOR, kERF, kNOT, kSIGN, kROUND, kISINF, kISNAN,
    kBITWISE_NOT,  //!< integers only
};

enum class MatrixOperation : int32_t { kNONE, kTRANSPOSE, kVECTOR };
enum class PoolingType : int32_t { kMAX, kAVERAGE, kMAX_AVERAGE_BLEND };
enum class PaddingMode : int32_t {
    kEXPLICIT_ROUND_DOWN, kEXPLICIT_ROUND_UP, kSAME_UPPER, kSAME_LOWER,
};
enum class ReduceOperation : int32_t { kSUM, kPROD, kMAX, kMIN, kAVG };
enum class ScaleMode : int32_t { kUNIFORM, kCHANNEL, kELEMENTWISE };
//! How a cast to kE8M0 rounds a value that is not a power of two (ONNX Cast's round_mode).
enum class E8M0RoundingMode : int32_t { kUP, kDOWN, kNEAREST };
enum class SampleMode : int32_t { kSTRICT_BOUNDS, kWRAP, kCLAMP, kFILL, kREFLECT };
enum class GatherMode : int32_t { kDEFAULT, kELEMENT, kND };
enum class ScatterMode : int32_t { kELEMENT, kND };
//! How a scattered update combines with the value already there (ONNX reduction attribute).
enum class ScatterReduction : int32_t { kNONE, kSUM, kPROD, kMAX, kMIN };
enum class InterpolationMode : int32_t { kNEAREST, kLINEAR, kCUBIC };
//! kHALF_PIXEL_SYMMETRIC is ONNX's half_pixel_symmetric (opset 19): half_pixel about the input's
//! centre when the output length is input * scale rounded down. kTF_CROP_AND_RESIZE is ONNX's
//! tf_crop_and_resize: the output spans the layer's crop region corner to corner, and positions
//! outside the input take the extrapolation value.
enum class ResizeCoordinateTransformation : int32_t {
    kALIGN_CORNERS,
    kASYMMETRIC,
    kHALF_PIXEL,
    kHALF_PIXEL_SYMMETRIC,
    kTF_CROP_AND_RESIZE
};
enum class ResizeSelector : int32_t { kFORMULA, kUPPER };
enum class ResizeRoundMode : int32_t { kHALF_UP, kHALF_DOWN, kFLOOR, kCEIL };
enum class TopKOperation : int32_t { kMAX, kMIN };
enum class FillOperation : int32_t { kLINSPACE, kRANDOM_UNIFORM, kRANDOM_NORMAL };
enum class CumulativeOperation : int32_t { kSUM, kPROD };

//! Selector of the three dimension sets of an optimization profile.
enum class OptProfileSelector : int32_t { kMIN = 0, kOPT = 1, kMAX = 2 };

}  // namespace kiln
