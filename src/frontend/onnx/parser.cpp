// The public OnnxParser: error list, file reading, and the entry points around ModelImporter.
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/api_guard.h"
#include "frontend/onnx/import_context.h"
#include "frontend/onnx/model_importer.h"
#include "kiln/onnx_parser.h"
#include "onnx/onnx_opset.h"

namespace kiln::onnxparser {
namespace {

using onnximport::ErrorRecord;

class ParserErrorImpl : public ParserError {
public:
    explicit ParserErrorImpl(ErrorRecord r) : mRecord(std::move(r)) {}
    ErrorCode code() const noexcept override { return mRecord.code; }
    const char* desc() const noexcept override { return mRecord.desc.c_str(); }
    int64_t node() const noexcept override { return mRecord.node; }
    const char* nodeName() const noexcept override { return mRecord.nodeName.c_str(); }
    const char* nodeOperator() const noexcept override { return mRecord.nodeOperator.c_str(); }

private:
    ErrorRecord mRecord;
};

// Models above this size are refused before reading (protobuf's own limit is 2 GiB).
constexpr std::uintmax_t kMaxModelFileBytes = std::uintmax_t(2) << 30;

class ParserImpl : public Parser {
public:
    ParserImpl(NetworkDefinition& network, Logger& logger) : mNetwork(network), mSink(&logger) {}

    bool parse(const void* data, size_t size, const char* modelPath) noexcept override {
        return run(data, size, modelPath, false);
    }

    bool supportsModel(const void* data, size_t size, const char* modelPath) noexcept override {
        return run(data, size, modelPath, true);
    }

    bool parseFromFile(const char* path, int32_t verbosity) noexcept override {
        return apiGuard(mSink, false, [&] {
            clearErrors();
            std::string p = path ? path : "";
            std::error_code ec;
            auto size = std::filesystem::file_size(p, ec);
            if (ec || !std::filesystem::is_regular_file(p, ec)) {
                record(ErrorCode::kINVALID_VALUE, "cannot read the ONNX model file '" + p + "'");
                return false;
            }
            if (size > kMaxModelFileBytes) {
                record(ErrorCode::kINVALID_VALUE, "the ONNX model file '" + p + "' has " + std::to_string(size) +
                                                      " bytes; protobuf models are limited to 2 GiB (use external data)");
                return false;
            }
            std::ifstream f(p, std::ios::binary);
            std::string bytes(static_cast<size_t>(size), '\0');
            f.read(bytes.data(), static_cast<std::streamsize>(size));
            if (!f.good() && size) {
                record(ErrorCode::kINVALID_VALUE, "reading the ONNX model file '" + p + "' failed");
                return false;
            }
            if (verbosity > 0) mSink.info("Input filename: " + p);
            return run(bytes.data(), bytes.size(), p.c_str(), false);
        });
    }

    bool supportsOperator(const char* opType) const noexcept override {
        return opType && onnximport::findImporter(opType) != nullptr;
    }
    int32_t getNbErrors() const noexcept override { return static_cast<int32_t>(mErrors.size()); }
    const ParserError* getError(int32_t i) const noexcept override {
        return i >= 0 && i < getNbErrors() ? &mErrors[i] : nullptr;
    }
    void clearErrors() noexcept override { mErrors.clear(); }

    bool setInputValues(const char* name, DataType type, const Dims& dims, const void* values) noexcept override {
        return apiGuard(mSink, false, [&] {
            if (!name || !*name || dims.nbDims < 0 || dims.nbDims > Dims::MAX_DIMS || dataTypeSize(type) == 0) {
                record(ErrorCode::kINVALID_VALUE, "setInputValues: needs a name, a rank in [0, 8] and a supported type");
                return false;
            }
            std::vector<int64_t> d(dims.d, dims.d + dims.nbDims);
            for (int64_t v : d)
                if (v < 0 || v > (int64_t{1} << 24)) {
                    record(ErrorCode::kINVALID_VALUE, std::string("setInputValues: input '") + name +
                                                          "' has dims " + ir::dimsToString(d) +
                                                          "; values fix static dims (at most 2^24 each)");
                    return false;
                }
            auto t = std::make_shared<ir::HostTensor>(ir::HostTensor::make(type, d));
            if (t->bytes() && !values) {
                record(ErrorCode::kINVALID_VALUE, std::string("setInputValues: no values for input '") + name + "'");
                return false;
            }
            if (t->bytes()) std::memcpy(t->data(), values, t->bytes());
            mFixedInputs[name] = std::move(t);
            return true;
        });
    }
    bool setSequenceInput(const char* name, int32_t nbElements, const Dims* elementDims) noexcept override {
        return apiGuard(mSink, false, [&] {
            if (!name || !*name || nbElements < 0 || nbElements > onnximport::kMaxSequenceLength ||
                (nbElements > 0 && !elementDims)) {
                record(ErrorCode::kINVALID_VALUE, "setSequenceInput: needs a name, 0 to 4096 elements and their dims");
                return false;
            }
            std::vector<std::vector<int64_t>> dims;
            for (int32_t i = 0; i < nbElements; ++i) {
                const Dims& d = elementDims[i];
                if (d.nbDims < 0 || d.nbDims > Dims::MAX_DIMS) {
                    record(ErrorCode::kINVALID_VALUE, std::string("setSequenceInput: element ") + std::to_string(i) +
                                                          " of '" + name + "' has rank " + std::to_string(d.nbDims));
                    return false;
                }
                for (int32_t k = 0; k < d.nbDims; ++k)
                    if (d.d[k] < -1) {
                        record(ErrorCode::kINVALID_VALUE, std::string("setSequenceInput: element ") + std::to_string(i) +
                                                              " of '" + name + "' has a dimension below -1");
                        return false;
                    }
                dims.emplace_back(d.d, d.d + d.nbDims);
            }
            mNonTensorInputs.none.erase(name);
            mNonTensorInputs.sequences[name] = std::move(dims);
            return true;
        });
    }
    bool setOptionalInputNone(const char* name) noexcept override {
        return apiGuard(mSink, false, [&] {
            if (!name || !*name) {
                record(ErrorCode::kINVALID_VALUE, "setOptionalInputNone: needs a name");
                return false;
            }
            mNonTensorInputs.sequences.erase(name);
            mNonTensorInputs.none.insert(name);
            return true;
        });
    }
    int32_t getSequenceLength(const char* name) const noexcept override {
        if (!name) return -1;
        auto it = mSequenceLengths.find(name);
        return it == mSequenceLengths.end() ? -1 : it->second;
    }
    int32_t getNbInputsNeedingValues() const noexcept override { return static_cast<int32_t>(mNeedValues.size()); }
    const char* getInputNeedingValues(int32_t i) const noexcept override {
        return i >= 0 && i < getNbInputsNeedingValues() ? mNeedValues[i].c_str() : nullptr;
    }

private:
    bool run(const void* data, size_t size, const char* modelPath, bool checkOnly) {
        return apiGuard(mSink, false, [&] {
            mErrors.clear();
            mNeedValues.clear();
            mSequenceLengths.clear();
            std::string dir;
            if (modelPath && *modelPath) dir = std::filesystem::path(modelPath).parent_path().string();
            std::vector<ErrorRecord> records;
            onnximport::ModelImporter importer(mNetwork, mSink, records, mFixedInputs, mNonTensorInputs, mNeedValues,
                                               mSequenceLengths);
            bool ok = importer.importModel(data, size, dir, checkOnly);
            for (auto& r : records) mErrors.emplace_back(std::move(r));
            return ok;
        });
    }

    void record(ErrorCode code, const std::string& desc) {
        mErrors.emplace_back(ErrorRecord{code, desc, -1, "", ""});
        mSink.log(Logger::Severity::kERROR, std::string("ONNX parser: ") + errorCodeName(code) + ": " + desc);
    }

    NetworkDefinition& mNetwork;
    LogSink mSink;
    std::vector<ParserErrorImpl> mErrors;
    onnximport::FixedInputs mFixedInputs;
    onnximport::NonTensorInputs mNonTensorInputs;
    std::vector<std::string> mNeedValues;
    onnximport::SequenceLengths mSequenceLengths;
};

}  // namespace

const char* errorCodeName(ErrorCode code) noexcept {
    static const char* const kNames[] = {"SUCCESS",
                                         "INTERNAL_ERROR",
                                         "MEM_ALLOC_FAILED",
                                         "MODEL_DESERIALIZE_FAILED",
                                         "INVALID_VALUE",
                                         "INVALID_GRAPH",
                                         "INVALID_NODE",
                                         "UNSUPPORTED_GRAPH",
                                         "UNSUPPORTED_NODE",
                                         "UNSUPPORTED_NODE_ATTR",
                                         "UNSUPPORTED_NODE_INPUT",
                                         "UNSUPPORTED_NODE_DATATYPE",
                                         "UNSUPPORTED_NODE_DYNAMIC",
                                         "UNSUPPORTED_NODE_SHAPE",
                                         "REFIT_FAILED"};
    auto i = static_cast<size_t>(code);
    return i < sizeof(kNames) / sizeof(kNames[0]) ? kNames[i] : "UNKNOWN";
}

std::unique_ptr<Parser> createParser(NetworkDefinition& network, Logger& logger) noexcept {
    try {
        return std::make_unique<ParserImpl>(network, logger);
    } catch (...) {
        return nullptr;
    }
}

int64_t getMaxSupportedOpset() noexcept { return KILN_ONNX_MAX_OPSET; }

}  // namespace kiln::onnxparser
