// Pointwise CUDA tactics (ElementWise, Select, Activation, Unary, Cast, Identity, Scale, Fill)
// against the CPU reference, on fresh random inputs.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"
#include "backends/cuda/kernels/activation.h"
#include "backends/cuda/memory.h"
#include "cuda/cuda_test_util.h"
#include "ir/ops/activation.h"
#include "ir/ops/cast.h"
#include "ir/ops/elementwise.h"
#include "ir/ops/fill.h"
#include "ir/ops/identity.h"
#include "ir/ops/scale.h"
#include "ir/ops/select.h"
#include "ir/ops/unary.h"

namespace kiln {
namespace {

using Dims = std::vector<int64_t>;
using E = ElementWiseOperation;
using test::GpuCheck;
using test::tol;
using test::randomTensor;

const DataType kFloats[] = {DataType::kFLOAT, DataType::kHALF, DataType::kBF16, DataType::kDOUBLE};
const DataType kInts[] = {DataType::kINT8, DataType::kUINT8, DataType::kINT32, DataType::kINT64};

const GpuCheck kExact = tol(0, 0);

GpuCheck tolerance(DataType t) {
    switch (t) {
        case DataType::kFLOAT: return tol(1e-5, 1e-6);
        case DataType::kHALF: return tol(1e-2, 1e-3);
        case DataType::kBF16: return tol(2e-2, 1e-2);
        case DataType::kDOUBLE: return tol(1e-12, 1e-14);
        default: return kExact;  // integers and bool: exact
    }
}

std::string traceOf(DataType t, int op, const Dims& a, const Dims& b = {}) {
    return std::string(dataTypeName(t)) + " op " + std::to_string(op) + " " + ir::dimsToString(a) + " " +
           ir::dimsToString(b);
}

//! A tensor of `type` holding `values` (converted as the reference's store()).
ir::HostTensor fromValues(DataType type, Dims dims, const std::vector<double>& values) {
    ir::HostTensor t = ir::HostTensor::make(type, std::move(dims));
    EXPECT_EQ(static_cast<int64_t>(values.size()), t.numel());
    cpu::dispatchType(type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        for (int64_t i = 0; i < t.numel(); ++i) {
            if constexpr (std::is_same_v<T, cpu::Bool>) cpu::store(t.as<T>(), i, values[i] != 0);
            else cpu::store(t.as<T>(), i, values[i]);
        }
    });
    return t;
}

//! Zeros replaced by one (integer divisors).
ir::HostTensor nonZero(ir::HostTensor t) {
    cpu::dispatchType(t.type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        for (int64_t i = 0; i < t.numel(); ++i)
            if (t.intAt(i) == 0) cpu::store(t.as<T>(), i, 1.0);
    });
    return t;
}

//! Values of magnitude in [0.5, 2) with random signs (float divisors).
ir::HostTensor awayFromZero(DataType type, const Dims& dims) {
    ir::HostTensor m = randomTensor(DataType::kDOUBLE, dims, 0.5, 2.0);
    ir::HostTensor s = randomTensor(DataType::kDOUBLE, dims, -1.0, 1.0);
    std::vector<double> v(static_cast<size_t>(m.numel()));
    for (int64_t i = 0; i < m.numel(); ++i) v[i] = s.floatAt(i) < 0 ? -m.floatAt(i) : m.floatAt(i);
    return fromValues(type, dims, v);
}

// Broadcast pairs: same shape, scalar each side, row/column broadcasts, rank 0, rank 8, empty.
const std::vector<std::pair<Dims, Dims>> kShapes = {
    {{7}, {7}},
    {{33}, {}},
    {{}, {2, 3}},
    {{2, 3, 4}, {3, 1}},
    {{4, 1, 5}, {1, 3, 1}},
    {{1}, {1}},
    {{2, 1, 2, 3, 1, 2, 2, 3}, {1, 2, 1, 3, 2, 1, 2, 1}},
    {{0, 3}, {3}},
};

ir::ElementWiseOp elementWise(E op) {
    ir::ElementWiseOp e;
    e.op = op;
    return e;
}

TEST(CudaPointwise, ElementWiseFloat) {
    KILN_REQUIRE_GPU();
    const E ops[] = {E::kSUM, E::kPROD, E::kMAX, E::kMIN, E::kSUB, E::kDIV, E::kPOW, E::kFLOOR_DIV, E::kMOD, E::kFMOD};
    for (DataType t : kFloats) {
        for (E op : ops) {
            for (const auto& [da, db] : kShapes) {
                SCOPED_TRACE(traceOf(t, static_cast<int>(op), da, db));
                const bool pow = op == E::kPOW;
                ir::HostTensor a = pow ? randomTensor(t, da, 0.1, 3.0) : randomTensor(t, da, -4.0, 4.0);
                ir::HostTensor b = pow ? randomTensor(t, db, -2.0, 2.0) : awayFromZero(t, db);
                EXPECT_TRUE(test::gpuMatchesReference(elementWise(op), {a, b}, tolerance(t)));
            }
        }
    }
}

TEST(CudaPointwise, ElementWiseLarge) {
    KILN_REQUIRE_GPU();
    for (E op : {E::kSUM, E::kPROD, E::kDIV, E::kMAX, E::kGREATER}) {
        SCOPED_TRACE(static_cast<int>(op));
        EXPECT_TRUE(test::gpuMatchesReference(
            elementWise(op), {randomTensor(DataType::kFLOAT, {1000003}), awayFromZero(DataType::kFLOAT, {1000003})}));
        EXPECT_TRUE(test::gpuMatchesReference(
            elementWise(op), {randomTensor(DataType::kHALF, {1000003}), awayFromZero(DataType::kHALF, {})},
            tolerance(DataType::kHALF)));
        EXPECT_TRUE(test::gpuMatchesReference(
            elementWise(op), {randomTensor(DataType::kFLOAT, {1001, 1, 7}), awayFromZero(DataType::kFLOAT, {143, 1})}));
    }
}

//! The full range of each integer type (sums and products wrap).
std::pair<double, double> fullRange(DataType t) {
    switch (t) {
        case DataType::kINT8: return {-128, 128};
        case DataType::kUINT8: return {0, 256};
        case DataType::kINT32: return {-2147483648.0, 2147483648.0};
        default: return {-4e18, 4e18};
    }
}

TEST(CudaPointwise, ElementWiseInt) {
    KILN_REQUIRE_GPU();
    const E ops[] = {E::kSUM,         E::kPROD,       E::kMAX,         E::kMIN,        E::kSUB,
                     E::kDIV,         E::kFLOOR_DIV,  E::kMOD,         E::kFMOD,       E::kBITWISE_AND,
                     E::kBITWISE_OR,  E::kBITWISE_XOR, E::kSHIFT_LEFT, E::kSHIFT_RIGHT, E::kPOW};
    for (DataType t : kInts) {
        const bool isUnsigned = t == DataType::kUINT8;
        const double width = static_cast<double>(dataTypeSize(t) * 8);
        for (E op : ops) {
            if (op == E::kPOW && t != DataType::kINT32 && t != DataType::kINT64) continue;  // shape inference refuses
            for (const auto& [da, db] : kShapes) {
                SCOPED_TRACE(traceOf(t, static_cast<int>(op), da, db));
                auto [lo, hi] = fullRange(t);
                // Small int64 operands of rank <= 1 are shape values to shape inference, which
                // refuses int64 overflow: keep those sums and products in range.
                if (t == DataType::kINT64 && da.size() <= 1 && db.size() <= 1) lo = -2e9, hi = 2e9;
                ir::HostTensor a = randomTensor(t, da, lo, hi);
                ir::HostTensor b;
                if (op == E::kDIV || op == E::kFLOOR_DIV || op == E::kMOD || op == E::kFMOD) {
                    b = nonZero(randomTensor(t, db, isUnsigned ? 1 : -20, 20));
                } else if (op == E::kSHIFT_LEFT || op == E::kSHIFT_RIGHT) {
                    b = randomTensor(t, db, isUnsigned ? 0 : -2, width + 6);  // out-of-range shifts too
                } else if (op == E::kPOW) {
                    a = randomTensor(t, da, -6, 7);
                    b = randomTensor(t, db, -3, 31);  // large powers wrap
                } else {
                    b = randomTensor(t, db, lo, hi);
                }
                EXPECT_TRUE(test::gpuMatchesReference(elementWise(op), {a, b}));
            }
        }
    }
}

TEST(CudaPointwise, ElementWiseIntEdges) {
    KILN_REQUIRE_GPU();
    const int64_t i32min = std::numeric_limits<int32_t>::min();
    const int64_t i64min = std::numeric_limits<int64_t>::min();
    const int64_t i64max = std::numeric_limits<int64_t>::max();
    struct Case {
        DataType type;
        std::vector<int64_t> a, b;
    };
    const Case cases[] = {
        {DataType::kINT32, {i32min, i32min, 7, -7, 7, -7, 0, 1}, {-1, 3, -2, 2, 2, -2, -5, -1}},
        {DataType::kINT64, {i64min, i64max, 7, -7, 9, -9, 0, i64min}, {-1, -1, -2, 2, 3, 3, 5, 2}},
        {DataType::kINT8, {-128, 127, 7, -7, -128, 5, 0, -1}, {-1, -1, -2, 2, 3, -3, 5, 2}},
    };
    for (const Case& c : cases) {
        for (E op : {E::kDIV, E::kFLOOR_DIV, E::kMOD, E::kFMOD, E::kSUM, E::kSUB, E::kPROD, E::kSHIFT_RIGHT}) {
            SCOPED_TRACE(traceOf(c.type, static_cast<int>(op), {2, 4}));
            // Rank 2, so that shape inference does not fold these as shape values (min / -1 traps there).
            EXPECT_TRUE(test::gpuMatchesReference(
                elementWise(op), {test::intTensor(c.type, {2, 4}, c.a), test::intTensor(c.type, {2, 4}, c.b)}));
        }
    }
}

TEST(CudaPointwise, ElementWiseCompareAndLogic) {
    KILN_REQUIRE_GPU();
    const DataType types[] = {DataType::kFLOAT, DataType::kHALF,  DataType::kBF16,  DataType::kDOUBLE, DataType::kINT8,
                              DataType::kUINT8, DataType::kINT32, DataType::kINT64, DataType::kBOOL};
    for (DataType t : types) {
        for (E op : {E::kEQUAL, E::kGREATER, E::kLESS}) {
            for (const auto& [da, db] : kShapes) {
                SCOPED_TRACE(traceOf(t, static_cast<int>(op), da, db));
                // Small integers (in any type), so that equal elements are common.
                auto small = [&](const Dims& d) {
                    ir::HostTensor r = randomTensor(DataType::kINT32, d, t == DataType::kUINT8 ? 0 : -3, 3);
                    std::vector<double> v(static_cast<size_t>(r.numel()));
                    for (int64_t i = 0; i < r.numel(); ++i) v[i] = static_cast<double>(r.intAt(i));
                    return fromValues(t, d, v);
                };
                EXPECT_TRUE(test::gpuMatchesReference(elementWise(op), {small(da), small(db)}));
            }
        }
    }
    for (E op : {E::kAND, E::kOR, E::kXOR}) {
        for (const auto& [da, db] : kShapes) {
            SCOPED_TRACE(traceOf(DataType::kBOOL, static_cast<int>(op), da, db));
            EXPECT_TRUE(test::gpuMatchesReference(
                elementWise(op), {randomTensor(DataType::kBOOL, da), randomTensor(DataType::kBOOL, db)}));
        }
    }
}

TEST(CudaPointwise, ElementWiseNaN) {
    KILN_REQUIRE_GPU();
    const double nan = std::nan(""), inf = INFINITY;
    const std::vector<double> a = {nan, 1, nan, -inf, 3, -0.0, 5, inf};
    const std::vector<double> b = {1, nan, nan, 2, inf, 0.0, -inf, -2};
    for (DataType t : {DataType::kFLOAT, DataType::kHALF}) {
        for (E op : {E::kMAX, E::kMIN, E::kMOD, E::kFMOD, E::kEQUAL, E::kLESS, E::kFLOOR_DIV, E::kPOW}) {
            SCOPED_TRACE(traceOf(t, static_cast<int>(op), {8}));
            EXPECT_TRUE(test::gpuMatchesReference(elementWise(op), {fromValues(t, {8}, a), fromValues(t, {8}, b)}));
        }
    }
}

TEST(CudaPointwise, Select) {
    KILN_REQUIRE_GPU();
    const std::vector<std::vector<Dims>> shapes = {
        {{7}, {7}, {7}},          {{}, {5}, {5}},         {{3, 1}, {1, 4}, {}},
        {{2, 1, 4}, {3, 1}, {4}}, {{0, 2}, {2}, {1}},     {{2, 1, 2, 1, 2, 1, 2, 3}, {1, 2, 1, 2, 1, 2, 1, 3}, {3}},
        {{1000003}, {1000003}, {}}};
    const DataType types[] = {DataType::kFLOAT, DataType::kHALF, DataType::kDOUBLE,
                              DataType::kINT8,  DataType::kBOOL, DataType::kINT64};
    for (DataType t : types) {
        for (const auto& s : shapes) {
            SCOPED_TRACE(traceOf(t, 0, s[0], s[1]));
            EXPECT_TRUE(test::gpuMatchesReference(
                ir::SelectOp{}, {randomTensor(DataType::kBOOL, s[0]), randomTensor(t, s[1], -9, 9), randomTensor(t, s[2], -9, 9)}));
        }
    }
}

struct ActivationCase {
    ActivationType type;
    double alpha, beta;
};
const ActivationCase kActivations[] = {
    {ActivationType::kRELU, 0, 0},           {ActivationType::kSIGMOID, 0, 0},
    {ActivationType::kTANH, 0, 0},           {ActivationType::kLEAKY_RELU, 0.1, 0},
    {ActivationType::kELU, 1.3, 0},          {ActivationType::kSELU, 1.6733, 1.0507},
    {ActivationType::kSOFTSIGN, 0, 0},       {ActivationType::kSOFTPLUS, 0.7, 2.0},
    {ActivationType::kCLIP, -0.5, 0.7},      {ActivationType::kHARD_SIGMOID, 0.2, 0.5},
    {ActivationType::kSCALED_TANH, 1.5, 0.8}, {ActivationType::kTHRESHOLDED_RELU, 0.3, 0},
    {ActivationType::kGELU_ERF, 0, 0},       {ActivationType::kGELU_TANH, 0, 0},
    {ActivationType::kHARD_SWISH, 1.0 / 6, 0.5},
};

ir::ActivationOp activationOf(const ActivationCase& c) {
    ir::ActivationOp op;
    op.type = c.type;
    op.alpha = c.alpha;
    op.beta = c.beta;
    return op;
}

TEST(CudaPointwise, Activation) {
    KILN_REQUIRE_GPU();
    for (DataType t : kFloats) {
        for (const ActivationCase& c : kActivations) {
            for (const Dims& d : {Dims{1}, Dims{7}, Dims{33}, Dims{}, Dims{2, 3, 5}, Dims{0}, Dims{1000003}}) {
                SCOPED_TRACE(traceOf(t, static_cast<int>(c.type), d));
                // Double computes in float, as the reference: float tolerances.
                const GpuCheck tol = t == DataType::kDOUBLE ? tolerance(DataType::kFLOAT) : tolerance(t);
                EXPECT_TRUE(test::gpuMatchesReference(activationOf(c), {randomTensor(t, d, -30.0, 30.0)}, tol));
                EXPECT_TRUE(test::gpuMatchesReference(activationOf(c), {randomTensor(t, d, -3.0, 3.0)}, tol));
            }
        }
    }
}

TEST(CudaPointwise, ActivationInPlace) {
    KILN_REQUIRE_GPU();
    for (DataType t : {DataType::kFLOAT, DataType::kHALF, DataType::kBF16}) {
        for (const ActivationCase& c : kActivations) {
            SCOPED_TRACE(traceOf(t, static_cast<int>(c.type), {1025}));
            ir::HostTensor x = randomTensor(t, {1025}, -5.0, 5.0);
            const ir::ActivationOp op = activationOf(c);
            ir::HostTensor expected = cpu::evaluateReference(op, {&x})[0];
            cuda::Stream stream;
            cuda::DeviceBuffer buf(x.bytes(), nullptr, "tensor: test");
            cuda::copyToDevice(buf.data(), x.data(), x.bytes(), stream.get());
            ASSERT_EQ(cuda::activationInPlace(buf.data(), t, x.numel(), static_cast<int32_t>(c.type),
                                              static_cast<float>(c.alpha), static_cast<float>(c.beta), stream.get()),
                      0);
            ir::HostTensor actual = ir::HostTensor::make(t, {1025});
            cuda::copyToHost(actual.data(), buf.data(), x.bytes(), stream.get());
            cuda::synchronize(stream.get());
            const GpuCheck tol = tolerance(t);
            EXPECT_TRUE(test::allClose(actual, expected, tol.rtol, tol.atol));
        }
    }
}

TEST(CudaPointwise, UnaryFloat) {
    KILN_REQUIRE_GPU();
    using U = UnaryOperation;
    struct Case {
        U op;
        double lo, hi;
    };
    const Case cases[] = {{U::kEXP, -5, 5},     {U::kLOG, 0.1, 10},    {U::kSQRT, 0, 10},     {U::kRECIP, 0.5, 4},
                          {U::kABS, -5, 5},     {U::kNEG, -5, 5},      {U::kSIN, -4, 4},      {U::kCOS, -4, 4},
                          {U::kTAN, -1.2, 1.2}, {U::kSINH, -4, 4},     {U::kCOSH, -4, 4},     {U::kASIN, -0.9, 0.9},
                          {U::kACOS, -0.9, 0.9}, {U::kATAN, -5, 5},    {U::kASINH, -5, 5},    {U::kACOSH, 1, 5},
                          {U::kATANH, -0.9, 0.9}, {U::kCEIL, -5, 5},   {U::kFLOOR, -5, 5},    {U::kERF, -3, 3},
                          {U::kSIGN, -2, 2},    {U::kROUND, -6, 6},    {U::kISINF, -1, 1},    {U::kISNAN, -1, 1}};
    for (DataType t : kFloats) {
        for (const Case& c : cases) {
            for (const Dims& d : {Dims{}, Dims{7}, Dims{33, 3}, Dims{0, 4}, Dims{1000003}}) {
                SCOPED_TRACE(traceOf(t, static_cast<int>(c.op), d));
                ir::UnaryOp op;
                op.op = c.op;
                // Double computes in float, as the reference: float tolerances.
                const GpuCheck tol = t == DataType::kDOUBLE ? tolerance(DataType::kFLOAT) : tolerance(t);
                EXPECT_TRUE(test::gpuMatchesReference(op, {randomTensor(t, d, c.lo, c.hi)}, tol));
            }
        }
        // Halves (round to even), zeros, infinities and NaN.
        const std::vector<double> special = {0.5, 1.5, 2.5, -0.5, -2.5, 0.0, -0.0, INFINITY, -INFINITY, std::nan("")};
        for (U o : {U::kROUND, U::kSIGN, U::kISINF, U::kISNAN, U::kABS, U::kCEIL}) {
            SCOPED_TRACE(traceOf(t, static_cast<int>(o), {10}));
            ir::UnaryOp op;
            op.op = o;
            EXPECT_TRUE(test::gpuMatchesReference(op, {fromValues(t, {10}, special)}));
        }
    }
}

TEST(CudaPointwise, UnaryIntAndBool) {
    KILN_REQUIRE_GPU();
    using U = UnaryOperation;
    for (DataType t : kInts) {
        auto [lo, hi] = fullRange(t);
        for (U o : {U::kABS, U::kNEG, U::kSIGN, U::kBITWISE_NOT}) {
            if (o != U::kBITWISE_NOT && t == DataType::kUINT8) continue;  // the reference refuses
            SCOPED_TRACE(traceOf(t, static_cast<int>(o), {1000}));
            ir::UnaryOp op;
            op.op = o;
            EXPECT_TRUE(test::gpuMatchesReference(op, {randomTensor(t, {1000}, lo, hi)}));
        }
    }
    ir::UnaryOp abs;
    abs.op = U::kABS;
    EXPECT_TRUE(test::gpuMatchesReference(abs, {test::intTensor(DataType::kINT32, {3}, {INT32_MIN, -5, 5})}));
    ir::UnaryOp notOp;
    notOp.op = U::kNOT;
    EXPECT_TRUE(test::gpuMatchesReference(notOp, {randomTensor(DataType::kBOOL, {33, 7})}));
    EXPECT_TRUE(test::gpuMatchesReference(notOp, {randomTensor(DataType::kBOOL, {})}));
}

TEST(CudaPointwise, Cast) {
    KILN_REQUIRE_GPU();
    const DataType types[] = {DataType::kFLOAT, DataType::kHALF,  DataType::kBF16,  DataType::kDOUBLE, DataType::kINT8,
                              DataType::kUINT8, DataType::kINT32, DataType::kINT64, DataType::kBOOL};
    for (DataType from : types) {
        for (DataType to : types) {
            SCOPED_TRACE(std::string(dataTypeName(from)) + " -> " + dataTypeName(to));
            ir::CastOp op;
            op.toType = to;
            ir::HostTensor x;
            if (from == DataType::kBOOL) x = randomTensor(from, {1001});
            else if (from == DataType::kUINT8) x = randomTensor(from, {1001}, 0, 256);
            else if (from == DataType::kINT8) x = randomTensor(from, {1001}, -128, 128);
            else if (from == DataType::kINT32) x = randomTensor(from, {1001}, -2147483648.0, 2147483648.0);
            else if (from == DataType::kINT64) x = randomTensor(from, {1001}, -3e9, 3e9);  // wraps to 32 bits
            else x = randomTensor(from, {1001}, -400.0, 400.0);  // saturates the 8-bit integers
            EXPECT_TRUE(test::gpuMatchesReference(op, {x}, kExact));
            const bool floatSource = from == DataType::kFLOAT || from == DataType::kHALF || from == DataType::kBF16 ||
                                     from == DataType::kDOUBLE;
            if (floatSource) {
                // Truncation, saturation (infinities beyond every range) and NaN.
                ir::HostTensor s = fromValues(from, {9}, {2.7, -2.7, 0.5, -0.5, 1e10, -1e10, INFINITY, -INFINITY,
                                                          std::nan("")});
                EXPECT_TRUE(test::gpuMatchesReference(op, {s}, kExact));
            }
        }
    }
    ir::CastOp empty;
    empty.toType = DataType::kHALF;
    EXPECT_TRUE(test::gpuMatchesReference(empty, {randomTensor(DataType::kFLOAT, {0, 3})}));
    ir::CastOp bits;
    bits.toType = DataType::kINT32;
    bits.bitCast = 1;
    EXPECT_TRUE(test::gpuMatchesReference(bits, {randomTensor(DataType::kFLOAT, {2, 7})}, kExact));
}

TEST(CudaPointwise, CastToAndFromTheNarrowTypes) {
    KILN_REQUIRE_GPU();
    const DataType narrow[] = {DataType::kFP8,  DataType::kFP8E4M3FNUZ, DataType::kFP8E5M2, DataType::kFP8E5M2FNUZ,
                               DataType::kFP4,  DataType::kE8M0,        DataType::kINT2,    DataType::kUINT2};
    const DataType wide[] = {DataType::kFLOAT, DataType::kHALF, DataType::kDOUBLE, DataType::kINT32, DataType::kBOOL,
                             DataType::kUINT16};
    for (DataType from : wide) {
        for (DataType to : narrow) {
            for (int64_t saturate : {0, 1}) {
                for (int64_t rounding : {0, 1, 2}) {
                    if (rounding && to != DataType::kE8M0) continue;
                    SCOPED_TRACE(std::string(dataTypeName(from)) + " -> " + dataTypeName(to) + " saturate " +
                                 std::to_string(saturate) + " rounding " + std::to_string(rounding));
                    ir::CastOp op;
                    op.toType = to;
                    op.saturate = saturate;
                    op.e8m0Rounding = rounding;
                    const bool isFloat = from == DataType::kFLOAT || from == DataType::kHALF || from == DataType::kDOUBLE;
                    ir::HostTensor x = randomTensor(from, {777}, isFloat ? -600.0 : 0, isFloat ? 600.0 : 9);
                    EXPECT_TRUE(test::gpuMatchesReference(op, {x}, kExact));
                    if (isFloat) {  // in the range of every narrow type, INT2/UINT2 included
                        ir::HostTensor small = randomTensor(from, {777}, -4.0, 4.0);
                        EXPECT_TRUE(test::gpuMatchesReference(op, {small}, kExact));
                    }
                    if (isFloat) {
                        ir::HostTensor s = fromValues(from, {14}, {0.26, -0.74, 1e-6, -3.5, 1e5, -1e5, INFINITY,
                                                                   -INFINITY, std::nan(""), 0.0, 1.5, -2.0, 2.9, 3.0});
                        EXPECT_TRUE(test::gpuMatchesReference(op, {s}, kExact));
                    }
                }
            }
        }
    }
    // Every byte of each narrow type decoded to the wide types.
    for (DataType from : narrow) {
        ir::HostTensor x = ir::HostTensor::make(from, {256});
        auto* bytes = x.as<uint8_t>();
        for (int i = 0; i < 256; ++i) bytes[i] = static_cast<uint8_t>(i);
        if (from == DataType::kINT2 || from == DataType::kUINT2 || from == DataType::kFP4)
            for (int i = 0; i < 256; ++i) bytes[i] = static_cast<uint8_t>(from == DataType::kINT2 ? (i % 4) - 2 : i % (from == DataType::kFP4 ? 16 : 4));
        for (DataType to : {DataType::kFLOAT, DataType::kHALF, DataType::kINT32, DataType::kBOOL}) {
            SCOPED_TRACE(std::string(dataTypeName(from)) + " -> " + dataTypeName(to));
            ir::CastOp op;
            op.toType = to;
            EXPECT_TRUE(test::gpuMatchesReference(op, {x}, kExact));
        }
    }
}

TEST(CudaPointwise, ElementWiseUnsigned) {
    KILN_REQUIRE_GPU();
    const E ops[] = {E::kSUM, E::kPROD, E::kMAX, E::kMIN, E::kSUB, E::kDIV, E::kMOD, E::kBITWISE_AND,
                     E::kBITWISE_OR, E::kBITWISE_XOR, E::kSHIFT_LEFT, E::kSHIFT_RIGHT, E::kEQUAL, E::kGREATER, E::kLESS};
    for (DataType t : {DataType::kUINT16, DataType::kUINT32, DataType::kUINT64}) {
        const double top = t == DataType::kUINT16 ? 65536.0 : t == DataType::kUINT32 ? 4294967296.0 : 1.8e19;
        for (E op : ops) {
            SCOPED_TRACE(traceOf(t, static_cast<int>(op), {3, 1, 5}, {4, 1}));
            ir::HostTensor a = randomTensor(t, {3, 1, 5}, 0, top);
            ir::HostTensor b = (op == E::kDIV || op == E::kMOD) ? randomTensor(t, {4, 1}, 1, 1000)
                               : (op == E::kSHIFT_LEFT || op == E::kSHIFT_RIGHT)
                                   ? randomTensor(t, {4, 1}, 0, static_cast<double>(dataTypeSize(t) * 8))
                                   : randomTensor(t, {4, 1}, 0, top);
            EXPECT_TRUE(test::gpuMatchesReference(elementWise(op), {a, b}, kExact));
        }
    }
}

TEST(CudaPointwise, Identity) {
    KILN_REQUIRE_GPU();
    for (DataType t : {DataType::kFLOAT, DataType::kHALF, DataType::kINT64, DataType::kBOOL, DataType::kUINT8})
        for (const Dims& d : {Dims{}, Dims{7}, Dims{0, 5}, Dims{3, 1000}}) {
            SCOPED_TRACE(traceOf(t, 0, d));
            EXPECT_TRUE(test::gpuMatchesReference(ir::IdentityOp{}, {randomTensor(t, d, -9, 9)}, kExact));
        }
}

TEST(CudaPointwise, Scale) {
    KILN_REQUIRE_GPU();
    const Dims x = {2, 3, 4, 5};
    struct Case {
        ScaleMode mode;
        int64_t axis;
        Dims coef;
    };
    const Case cases[] = {{ScaleMode::kUNIFORM, 1, {1}},     {ScaleMode::kCHANNEL, 1, {3}},
                          {ScaleMode::kCHANNEL, -1, {5}},    {ScaleMode::kCHANNEL, 0, {2}},
                          {ScaleMode::kELEMENTWISE, 1, {3, 4, 5}}, {ScaleMode::kELEMENTWISE, 3, {5}}};
    for (DataType t : {DataType::kFLOAT, DataType::kHALF, DataType::kBF16}) {
        for (const Case& c : cases) {
            for (int mask = 0; mask < 8; ++mask) {  // which of shift, scale, power are there
                SCOPED_TRACE(traceOf(t, static_cast<int>(c.mode) * 100 + static_cast<int>(c.axis) * 10 + mask, c.coef));
                ir::ScaleOp op;
                op.mode = c.mode;
                op.channelAxis = c.axis;
                const DataType ct = mask == 5 ? DataType::kFLOAT : t;  // a coefficient type other than x's
                ir::HostTensor xs = randomTensor(t, x, 0.1, 2.0);
                ir::HostTensor shift = randomTensor(ct, c.coef, 0.0, 1.0);
                ir::HostTensor scale = randomTensor(ct, c.coef, 0.5, 2.0);
                ir::HostTensor power = randomTensor(ct, c.coef, 0.5, 2.0);
                std::vector<const ir::HostTensor*> in = {&xs, mask & 1 ? &shift : nullptr, mask & 2 ? &scale : nullptr,
                                                         mask & 4 ? &power : nullptr};
                EXPECT_TRUE(test::gpuMatchesReference(op, in, tolerance(t)));
            }
        }
    }
}

TEST(CudaPointwise, Fill) {
    KILN_REQUIRE_GPU();
    for (DataType t : {DataType::kFLOAT, DataType::kHALF, DataType::kBF16, DataType::kINT32, DataType::kINT64}) {
        SCOPED_TRACE(dataTypeName(t));
        const GpuCheck tol = tolerance(t);
        ir::FillOp lin;
        lin.op = FillOperation::kLINSPACE;
        lin.outputType = t;
        lin.dims = {33};
        lin.alpha = -3;
        lin.beta = 2;
        EXPECT_TRUE(test::gpuMatchesReference(lin, std::vector<const ir::HostTensor*>{}, tol));
        // Per-axis deltas and an alpha from inputs.
        lin.dims = {2, 3, 5};
        ir::HostTensor alpha = test::intTensor(DataType::kINT64, {}, {7});
        ir::HostTensor delta = fromValues(DataType::kFLOAT, {3}, {10, -3, 1});
        EXPECT_TRUE(test::gpuMatchesReference(lin, {nullptr, &alpha, &delta}, tol));
        lin.dims = {};
        EXPECT_TRUE(test::gpuMatchesReference(lin, std::vector<const ir::HostTensor*>{}, tol));
        for (FillOperation f : {FillOperation::kRANDOM_UNIFORM, FillOperation::kRANDOM_NORMAL}) {
            ir::FillOp r;
            r.op = f;
            r.outputType = t;
            r.dims = {7, 1001};
            r.alpha = f == FillOperation::kRANDOM_UNIFORM ? -5 : 1;
            r.beta = f == FillOperation::kRANDOM_UNIFORM ? 9 : 3;
            r.seed = 1234;
            EXPECT_TRUE(test::gpuMatchesReference(r, std::vector<const ir::HostTensor*>{}, tol));
            ir::HostTensor b = fromValues(DataType::kHALF, {1}, {20});
            EXPECT_TRUE(test::gpuMatchesReference(r, {nullptr, nullptr, &b}, tol));
        }
    }
}

}  // namespace
}  // namespace kiln
