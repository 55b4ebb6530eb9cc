// Helpers shared by the data-movement kernel tests (shuffle, slice, gather/scatter, shape/squeeze/nonzero).
#pragma once

#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backends/cpu/kernel.h"
#include "common/test_util.h"
#include "core/status.h"
#include "ir/op.h"

namespace kiln::dmtest {

using ir::DimExpr;
using ir::HostTensor;
using ir::Shape;
using ir::ValueInfo;

inline const std::vector<DataType> kAllTypes = {DataType::kFLOAT, DataType::kHALF, DataType::kBF16,  DataType::kINT32,
                                                DataType::kINT64, DataType::kINT8, DataType::kUINT8, DataType::kBOOL};

inline HostTensor randomOf(DataType type, std::vector<int64_t> dims) {
    // uint8 from non-negative values only (a negative double -> uint8 cast is undefined).
    return type == DataType::kUINT8 ? test::randomTensor(type, std::move(dims), 0, 250)
                                    : test::randomTensor(type, std::move(dims), -100, 100);
}

//! dst[di] = src[si], byte for byte: the naive oracle of data movement.
inline void copyElem(HostTensor& dst, int64_t di, const HostTensor& src, int64_t si) {
    const size_t es = dataTypeSize(src.type);
    std::memcpy(static_cast<uint8_t*>(dst.data()) + di * es, static_cast<const uint8_t*>(src.data()) + si * es, es);
}

inline ::testing::AssertionResult sameBytes(const HostTensor& a, const HostTensor& b) {
    if (a.dims != b.dims || a.type != b.type)
        return ::testing::AssertionFailure() << "shape/type " << ir::dimsToString(a.dims) << " vs "
                                             << ir::dimsToString(b.dims) << " (seed " << test::seed() << ")";
    if (a.bytes() && std::memcmp(a.data(), b.data(), a.bytes()) != 0)
        return ::testing::AssertionFailure()
               << "bytes differ for " << dataTypeName(a.type) << " (seed " << test::seed() << ")";
    return ::testing::AssertionSuccess();
}

inline ValueInfo infoOf(DataType type, Shape shape, std::optional<std::vector<DimExpr>> value = std::nullopt) {
    ValueInfo v;
    v.type = type;
    v.shape = std::move(shape);
    v.value = std::move(value);
    return v;
}

//! Symbolic shape inference, as the builder runs it.
inline std::vector<ValueInfo> infer(const ir::Op& op, const std::vector<const ValueInfo*>& inputs) {
    ir::InferContext ctx("node", inputs, [](const DimExpr&) { return DimExpr::symbol(99); });
    op.inferShapes(ctx);
    return ctx.outputs();
}

//! The message of the KilnError that fn throws ("" if it throws none).
inline std::string errorOf(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const KilnError& e) {
        return e.what();
    }
    return "";
}

#define EXPECT_ERROR_HAS(stmt, text)                                          \
    do {                                                                      \
        std::string msg_ = errorOf([&] { stmt; });                            \
        EXPECT_FALSE(msg_.empty()) << "no KilnError from " #stmt;             \
        EXPECT_NE(msg_.find(text), std::string::npos) << "message: " << msg_; \
    } while (0)

inline const DimExpr s0 = DimExpr::symbol(0);
inline const DimExpr s1 = DimExpr::symbol(1);

}  // namespace kiln::dmtest
