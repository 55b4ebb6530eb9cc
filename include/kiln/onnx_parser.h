// OnnxParser: fills a NetworkDefinition from an ONNX model (TensorRT's nvonnxparser::IParser).
// Errors are kept in a list (code, node index, node name, op, text) and also reach the Logger.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "kiln/logger.h"
#include "kiln/network.h"
#include "kiln/types.h"

namespace kiln::onnxparser {

//! TensorRT's parser error codes, in TensorRT's order.
enum class ErrorCode : int32_t {
    kSUCCESS = 0,
    kINTERNAL_ERROR = 1,
    kMEM_ALLOC_FAILED = 2,
    kMODEL_DESERIALIZE_FAILED = 3,
    kINVALID_VALUE = 4,
    kINVALID_GRAPH = 5,
    kINVALID_NODE = 6,
    kUNSUPPORTED_GRAPH = 7,
    kUNSUPPORTED_NODE = 8,
    kUNSUPPORTED_NODE_ATTR = 9,
    kUNSUPPORTED_NODE_INPUT = 10,
    kUNSUPPORTED_NODE_DATATYPE = 11,
    kUNSUPPORTED_NODE_DYNAMIC = 12,
    kUNSUPPORTED_NODE_SHAPE = 13,
    kREFIT_FAILED = 14,
};

KILN_API const char* errorCodeName(ErrorCode code) noexcept;

class KILN_API ParserError {
public:
    virtual ~ParserError() = default;
    virtual ErrorCode code() const noexcept = 0;
    virtual const char* desc() const noexcept = 0;
    //! Index of the node in the graph, or -1 when the error is not about one node.
    virtual int64_t node() const noexcept = 0;
    virtual const char* nodeName() const noexcept = 0;
    virtual const char* nodeOperator() const noexcept = 0;
};

class KILN_API Parser {
public:
    virtual ~Parser() = default;
    //! Parses a serialized ModelProto. `modelPath` (optional) locates external-data files.
    virtual bool parse(const void* data, size_t size, const char* modelPath = nullptr) noexcept = 0;
    virtual bool parseFromFile(const char* path, int32_t verbosity = 0) noexcept = 0;
    //! Checks every node without building anything; every unsupported node is reported at once.
    virtual bool supportsModel(const void* data, size_t size, const char* modelPath = nullptr) noexcept = 0;
    virtual bool supportsOperator(const char* opType) const noexcept = 0;
    virtual int32_t getNbErrors() const noexcept = 0;
    virtual const ParserError* getError(int32_t index) const noexcept = 0;
    virtual void clearErrors() noexcept = 0;

    //! Kiln extension, TensorRT's shape-tensor inputs with MIN == OPT == MAX values, decided at
    //! parse time: graph input `name` is imported with these values, a constant to the importers
    //! (so that Reshape's shape, Reduce's axes, TopK's k, ... may come from it). The engine keeps
    //! the input and fails a run that gives it other values. Applies to the parses that follow;
    //! `values` holds dims' element count of `type`, copied.
    virtual bool setInputValues(const char* name, DataType type, const Dims& dims, const void* values) noexcept = 0;
    //! After a failed parse: the graph inputs whose values the failing node needed at build time
    //! (traced back through the graph, not past Shape or Size); setInputValues can give them.
    virtual int32_t getNbInputsNeedingValues() const noexcept = 0;
    virtual const char* getInputNeedingValues(int32_t index) const noexcept = 0;

    //! Kiln extension for ONNX sequences, which Kiln unrolls at build time: graph input `name`
    //! (a sequence, or an optional holding one) is given as `nbElements` tensors of
    //! `elementDims[i]` (-1 for a dimension a profile sets); the network gets the inputs
    //! "name[0]", "name[1]", ... . Applies to the parses that follow.
    virtual bool setSequenceInput(const char* name, int32_t nbElements, const Dims* elementDims) noexcept = 0;
    //! Kiln extension: graph input `name`, an ONNX optional, is empty (no network input).
    virtual bool setOptionalInputNone(const char* name) noexcept = 0;
    //! After a parse: the length of graph input or output `name` if it is a sequence (its
    //! elements are the network tensors "name[i]"), else -1.
    virtual int32_t getSequenceLength(const char* name) const noexcept = 0;
};

//! The parser adds to `network`, which must outlive it.
KILN_API std::unique_ptr<Parser> createParser(NetworkDefinition& network, Logger& logger) noexcept;

//! The newest ONNX opset (default domain) this parser knows; models above it are refused.
KILN_API int64_t getMaxSupportedOpset() noexcept;

}  // namespace kiln::onnxparser
