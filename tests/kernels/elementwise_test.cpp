// ElementWise: every operation against a naive broadcasting loop written here, on random inputs
// of odd shapes; integer division rules, type rules and shape-value propagation.
#include "ir/ops/elementwise.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

#include "backends/cpu/kernel.h"
#include "common/test_util.h"

namespace kiln {
namespace {

using ir::HostTensor;
using Op = ElementWiseOperation;

std::vector<int64_t> broadcastDims(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
    size_t r = std::max(a.size(), b.size());
    std::vector<int64_t> out(r);
    for (size_t i = 0; i < r; ++i) {
        int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
        int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
        out[i] = da == 1 ? db : da;
    }
    return out;
}

//! Flat index into `dims` (right-aligned, size-1 dims broadcast) of output multi-index `idx`.
int64_t sourceIndex(const std::vector<int64_t>& dims, const std::vector<int64_t>& idx) {
    int64_t flat = 0;
    size_t off = idx.size() - dims.size();
    for (size_t i = 0; i < dims.size(); ++i) flat = flat * dims[i] + (dims[i] == 1 ? 0 : idx[i + off]);
    return flat;
}

//! The obviously-correct oracle: one element at a time, in double.
HostTensor naive(const HostTensor& a, const HostTensor& b, DataType outType,
                 const std::function<double(double, double)>& f) {
    auto dims = broadcastDims(a.dims, b.dims);
    HostTensor out = HostTensor::make(outType, dims);
    std::vector<int64_t> idx(dims.size(), 0);
    for (int64_t i = 0; i < out.numel(); ++i) {
        double v = f(a.floatAt(sourceIndex(a.dims, idx)), b.floatAt(sourceIndex(b.dims, idx)));
        switch (outType) {
            case DataType::kFLOAT:
                out.as<float>()[i] = static_cast<float>(v);
                break;
            case DataType::kINT32:
                out.as<int32_t>()[i] = static_cast<int32_t>(v);
                break;
            case DataType::kINT64:
                out.as<int64_t>()[i] = static_cast<int64_t>(v);
                break;
            case DataType::kBOOL:
                out.as<uint8_t>()[i] = v != 0;
                break;
            default:
                ADD_FAILURE() << "naive(): unsupported output type";
        }
        for (int64_t d = static_cast<int64_t>(dims.size()) - 1; d >= 0; --d) {
            if (++idx[d] < dims[d]) break;
            idx[d] = 0;
        }
    }
    return out;
}

std::function<double(double, double)> oracle(Op op) {
    switch (op) {
        case Op::kSUM:
            return [](double x, double y) { return x + y; };
        case Op::kPROD:
            return [](double x, double y) { return x * y; };
        case Op::kMAX:
            return [](double x, double y) { return std::max(x, y); };
        case Op::kMIN:
            return [](double x, double y) { return std::min(x, y); };
        case Op::kSUB:
            return [](double x, double y) { return x - y; };
        case Op::kDIV:
            return [](double x, double y) { return x / y; };
        case Op::kPOW:
            return [](double x, double y) { return std::pow(x, y); };
        case Op::kFLOOR_DIV:
            return [](double x, double y) { return std::floor(x / y); };
        case Op::kAND:
            return [](double x, double y) { return double(x != 0 && y != 0); };
        case Op::kOR:
            return [](double x, double y) { return double(x != 0 || y != 0); };
        case Op::kXOR:
            return [](double x, double y) { return double((x != 0) != (y != 0)); };
        case Op::kEQUAL:
            return [](double x, double y) { return double(x == y); };
        case Op::kGREATER:
            return [](double x, double y) { return double(x > y); };
        case Op::kLESS:
            return [](double x, double y) { return double(x < y); };
        case Op::kMOD:
            return [](double x, double y) { return x - std::floor(x / y) * y; };
        case Op::kFMOD:
            return [](double x, double y) { return x - std::trunc(x / y) * y; };
        default:
            break;  // bitwise and shift ops: hand values (BitwiseAndShifts)
    }
    return nullptr;
}

HostTensor run(Op op, const HostTensor& a, const HostTensor& b) {
    ir::ElementWiseOp node;
    node.op = op;
    auto out = cpu::evaluateReference(node, {&a, &b});
    EXPECT_EQ(out.size(), 1u);
    return out[0];
}

const Op kArith[] = {Op::kSUM, Op::kPROD, Op::kMAX, Op::kMIN, Op::kSUB, Op::kDIV, Op::kFLOOR_DIV};
const Op kCompare[] = {Op::kEQUAL, Op::kGREATER, Op::kLESS};

TEST(ElementWise, FloatOpsMatchNaiveOverBroadcastShapes) {
    const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> shapes = {
        {{3, 5, 7}, {3, 5, 7}},       {{}, {4, 3}},  {{4, 3}, {}},     {{2, 1, 4}, {3, 1}},
        {{1, 3, 1, 5}, {2, 1, 4, 1}}, {{6, 1}, {1}}, {{0, 3}, {1, 3}}, {{1}, {1, 1, 1}},
        {{2, 3, 4, 5}, {3, 1, 1}}};
    for (const auto& [da, db] : shapes) {
        auto a = test::randomTensor(DataType::kFLOAT, da, 0.5, 2.0);
        auto b = test::randomTensor(DataType::kFLOAT, db, 0.5, 2.0);
        for (Op op : kArith)
            EXPECT_TRUE(test::allClose(run(op, a, b), naive(a, b, DataType::kFLOAT, oracle(op)), 1e-6, 1e-6))
                << "op " << int(op) << " " << ir::dimsToString(da) << " x " << ir::dimsToString(db);
        EXPECT_TRUE(test::allClose(run(Op::kPOW, a, b), naive(a, b, DataType::kFLOAT, oracle(Op::kPOW)), 1e-5, 1e-6));
        for (Op op : kCompare)
            EXPECT_TRUE(test::allClose(run(op, a, b), naive(a, b, DataType::kBOOL, oracle(op)), 0, 0));
    }
}

TEST(ElementWise, LargeSameShapeAndScalar) {
    auto a = test::randomTensor(DataType::kFLOAT, {257, 1031});
    auto b = test::randomTensor(DataType::kFLOAT, {257, 1031});
    auto s = test::randomTensor(DataType::kFLOAT, {1});
    EXPECT_TRUE(test::allClose(run(Op::kSUM, a, b), naive(a, b, DataType::kFLOAT, oracle(Op::kSUM)), 1e-6, 1e-7));
    EXPECT_TRUE(test::allClose(run(Op::kPROD, s, a), naive(s, a, DataType::kFLOAT, oracle(Op::kPROD)), 1e-6, 1e-7));
    EXPECT_TRUE(test::allClose(run(Op::kSUB, a, s), naive(a, s, DataType::kFLOAT, oracle(Op::kSUB)), 1e-6, 1e-7));
}

TEST(ElementWise, HandValues) {
    auto a = test::tensorFrom({2, 2}, {1, 2, 3, 4});
    auto b = test::tensorFrom({2}, {10, 20});
    EXPECT_TRUE(test::allClose(run(Op::kSUM, a, b), test::tensorFrom({2, 2}, {11, 22, 13, 24}), 0, 0));
    EXPECT_TRUE(test::allClose(run(Op::kSUB, b, a), test::tensorFrom({2, 2}, {9, 18, 7, 16}), 0, 0));
    auto c = test::tensorFrom({2, 1}, {2, -2});
    EXPECT_TRUE(test::allClose(run(Op::kPOW, c, b), test::tensorFrom({2, 2}, {1024, 1048576, 1024, 1048576}), 0, 0));
    auto x = test::tensorFrom({4}, {7, -7, 7.5f, -0.5f});
    auto y = test::tensorFrom({1}, {2});
    EXPECT_TRUE(test::allClose(run(Op::kFLOOR_DIV, x, y), test::tensorFrom({4}, {3, -4, 3, -1}), 0, 0));
    EXPECT_TRUE(test::allClose(run(Op::kDIV, x, y), test::tensorFrom({4}, {3.5f, -3.5f, 3.75f, -0.25f}), 0, 0));
}

TEST(ElementWise, IntegerDivisionTruncatesAndFloorDivFloors) {
    for (DataType t : {DataType::kINT32, DataType::kINT64, DataType::kINT8}) {
        auto a = test::intTensor(t, {6}, {7, -7, 7, -7, 0, 6});
        auto b = test::intTensor(t, {6}, {2, 2, -2, -2, 3, 3});
        EXPECT_TRUE(test::allClose(run(Op::kDIV, a, b), test::intTensor(t, {6}, {3, -3, -3, 3, 0, 2}), 0, 0));
        EXPECT_TRUE(test::allClose(run(Op::kFLOOR_DIV, a, b), test::intTensor(t, {6}, {3, -4, -4, 3, 0, 2}), 0, 0));
    }
    auto a = test::intTensor(DataType::kINT32, {2}, {5, 1});
    auto z = test::intTensor(DataType::kINT32, {2}, {1, 0});
    try {
        run(Op::kDIV, a, z);
        FAIL() << "integer division by zero must throw";
    } catch (const KilnError& e) {
        EXPECT_EQ(e.code(), ErrorCode::kFAILED_EXECUTION);
        EXPECT_NE(std::string(e.what()).find("division by zero"), std::string::npos) << e.what();
    }
    EXPECT_THROW(run(Op::kFLOOR_DIV, a, z), KilnError);
    // INT_MIN / -1 wraps instead of trapping.
    auto m = test::intTensor(DataType::kINT32, {1}, {INT32_MIN});
    auto n1 = test::intTensor(DataType::kINT32, {1}, {-1});
    EXPECT_TRUE(test::allClose(run(Op::kDIV, m, n1), m, 0, 0));
}

TEST(ElementWise, ModTakesTheDivisorsSignAndFmodTheDividends) {
    // ONNX's Mod examples: fmod=0 (integers) and fmod=1.
    for (DataType t : {DataType::kINT32, DataType::kINT64, DataType::kINT8}) {
        auto a = test::intTensor(t, {6}, {-4, 7, 5, 4, -7, 8});
        auto b = test::intTensor(t, {6}, {2, -3, 8, -2, 3, 5});
        EXPECT_TRUE(test::allClose(run(Op::kMOD, a, b), test::intTensor(t, {6}, {0, -2, 5, 0, 2, 3}), 0, 0));
        EXPECT_TRUE(test::allClose(run(Op::kFMOD, a, b), test::intTensor(t, {6}, {0, 1, 5, 0, -1, 3}), 0, 0));
    }
    auto x = test::tensorFrom({6}, {-4.3f, 7.2f, 5.0f, 4.3f, -7.2f, 8.0f});
    auto y = test::tensorFrom({6}, {2.1f, -3.4f, 8.0f, -2.1f, 3.4f, 5.0f});
    EXPECT_TRUE(test::allClose(run(Op::kFMOD, x, y), test::tensorFrom({6}, {-0.1f, 0.4f, 5, 0.1f, -0.4f, 3}), 1e-5, 1e-5));
    EXPECT_TRUE(test::allClose(run(Op::kMOD, x, y), test::tensorFrom({6}, {2.0f, -3.0f, 5, -2.0f, 3.0f, 3}), 1e-5, 1e-5));
    // numpy.mod's edge cases: a zero remainder has the divisor's sign; infinite divisors.
    const float inf = std::numeric_limits<float>::infinity();
    auto e = test::tensorFrom({6}, {0.0f, -0.0f, -3, 3, -1, 1});
    auto d = test::tensorFrom({6}, {-2, 2, inf, inf, -inf, -inf});
    auto m = run(Op::kMOD, e, d);
    const float want[6] = {-0.0f, 0.0f, inf, 3, -1, -inf};
    for (int i = 0; i < 6; ++i) {
        EXPECT_EQ(m.as<float>()[i], want[i]) << i;
        EXPECT_EQ(std::signbit(m.as<float>()[i]), std::signbit(want[i])) << i;
    }
    auto nan = run(Op::kMOD, test::tensorFrom({2}, {inf, 1}), test::tensorFrom({2}, {2, 0}));
    EXPECT_TRUE(std::isnan(nan.as<float>()[0]) && std::isnan(nan.as<float>()[1]));
    // uint8, INT_MIN % -1 (no trap) and remainder by zero (an error).
    auto u = run(Op::kMOD, test::intTensor(DataType::kUINT8, {2}, {250, 7}), test::intTensor(DataType::kUINT8, {2}, {7, 250}));
    EXPECT_TRUE(test::allClose(u, test::intTensor(DataType::kUINT8, {2}, {5, 7}), 0, 0));
    auto minOver = run(Op::kMOD, test::intTensor(DataType::kINT32, {1}, {INT32_MIN}), test::intTensor(DataType::kINT32, {1}, {-1}));
    EXPECT_EQ(minOver.intAt(0), 0);
    auto z = test::intTensor(DataType::kINT64, {1}, {0});
    EXPECT_THROW(run(Op::kMOD, test::intTensor(DataType::kINT64, {1}, {3}), z), KilnError);
    EXPECT_THROW(run(Op::kFMOD, test::intTensor(DataType::kINT64, {1}, {3}), z), KilnError);
}

TEST(ElementWise, ModRandomAgainstNaive) {
    for (DataType t : {DataType::kINT32, DataType::kINT64}) {
        auto a = test::randomTensor(t, {3, 1, 5}, -50, 50);
        auto b = test::randomTensor(t, {4, 1}, 1, 20);
        auto nb = run(Op::kSUB, test::intTensor(t, {1}, {0}), b);  // negative divisors too
        for (const HostTensor* div : {&b, &nb})
            for (Op op : {Op::kMOD, Op::kFMOD})
                EXPECT_TRUE(test::allClose(run(op, a, *div), naive(a, *div, t, oracle(op)), 0, 0)) << "op " << int(op);
    }
    auto a = test::randomTensor(DataType::kFLOAT, {2, 3, 4}, -10, 10);
    auto b = test::randomTensor(DataType::kFLOAT, {3, 1}, 0.5, 3);
    for (Op op : {Op::kMOD, Op::kFMOD})
        EXPECT_TRUE(test::allClose(run(op, a, b), naive(a, b, DataType::kFLOAT, oracle(op)), 1e-5, 1e-5)) << int(op);
}

TEST(ElementWise, IntegerOpsMatchNaive) {
    for (DataType t : {DataType::kINT32, DataType::kINT64}) {
        auto a = test::randomTensor(t, {3, 1, 5}, -50, 50);
        auto b = test::randomTensor(t, {4, 1}, 1, 20);
        for (Op op : {Op::kSUM, Op::kPROD, Op::kMAX, Op::kMIN, Op::kSUB, Op::kFLOOR_DIV})
            EXPECT_TRUE(test::allClose(run(op, a, b),
                                       naive(a, b, t == DataType::kINT32 ? t : DataType::kINT64, oracle(op)), 0, 0))
                << "op " << int(op);
        EXPECT_TRUE(test::allClose(run(Op::kDIV, a, b),
                                   naive(a, b, t, [](double x, double y) { return std::trunc(x / y); }), 0, 0));
        for (Op op : kCompare)
            EXPECT_TRUE(test::allClose(run(op, a, b), naive(a, b, DataType::kBOOL, oracle(op)), 0, 0));
    }
}

TEST(ElementWise, SmallIntegersWrap) {
    auto a = test::intTensor(DataType::kUINT8, {3}, {250, 3, 0});
    auto b = test::intTensor(DataType::kUINT8, {3}, {10, 4, 1});
    EXPECT_TRUE(test::allClose(run(Op::kSUM, a, b), test::intTensor(DataType::kUINT8, {3}, {4, 7, 1}), 0, 0));
    EXPECT_TRUE(test::allClose(run(Op::kSUB, a, b), test::intTensor(DataType::kUINT8, {3}, {240, 255, 255}), 0, 0));
    auto c = test::intTensor(DataType::kINT8, {2}, {127, -128});
    auto d = test::intTensor(DataType::kINT8, {2}, {1, 2});
    EXPECT_TRUE(test::allClose(run(Op::kSUM, c, d), test::intTensor(DataType::kINT8, {2}, {-128, -126}), 0, 0));
    EXPECT_TRUE(test::allClose(run(Op::kPROD, c, d), test::intTensor(DataType::kINT8, {2}, {127, 0}), 0, 0));
}

// BitwiseAnd/Or/Xor and BitShift-28 on every integer type, against hand values.
TEST(ElementWise, BitwiseAndShifts) {
    for (DataType t : {DataType::kUINT8, DataType::kUINT16, DataType::kUINT32, DataType::kUINT64, DataType::kINT8,
                       DataType::kINT32, DataType::kINT64}) {
        auto a = test::intTensor(t, {4}, {12, 10, 1, 6});
        auto b = test::intTensor(t, {4}, {10, 3, 0, 1});
        EXPECT_TRUE(test::allClose(run(Op::kBITWISE_AND, a, b), test::intTensor(t, {4}, {8, 2, 0, 0}), 0, 0));
        EXPECT_TRUE(test::allClose(run(Op::kBITWISE_OR, a, b), test::intTensor(t, {4}, {14, 11, 1, 7}), 0, 0));
        EXPECT_TRUE(test::allClose(run(Op::kBITWISE_XOR, a, b), test::intTensor(t, {4}, {6, 9, 1, 7}), 0, 0));
        const int64_t width = static_cast<int64_t>(dataTypeSize(t)) * 8;
        auto s = test::intTensor(t, {4}, {1, 2, width, 0});
        EXPECT_TRUE(test::allClose(run(Op::kSHIFT_LEFT, a, s), test::intTensor(t, {4}, {24, 40, 0, 6}), 0, 0))
            << dataTypeName(t);
        EXPECT_TRUE(test::allClose(run(Op::kSHIFT_RIGHT, a, s), test::intTensor(t, {4}, {6, 2, 0, 6}), 0, 0))
            << dataTypeName(t);
    }
    // Signed: an arithmetic right shift; a negative or too large shift gives the sign fill.
    auto x = test::intTensor(DataType::kINT8, {4}, {-16, -16, -16, 64});
    auto n = test::intTensor(DataType::kINT8, {4}, {2, -1, 8, 1});
    EXPECT_TRUE(test::allClose(run(Op::kSHIFT_RIGHT, x, n), test::intTensor(DataType::kINT8, {4}, {-4, -1, -1, 32}), 0, 0));
    EXPECT_TRUE(test::allClose(run(Op::kSHIFT_LEFT, x, n), test::intTensor(DataType::kINT8, {4}, {-64, 0, 0, -128}), 0, 0));
    // Bool and float are refused by the type check.
    auto f = test::tensorFrom({1}, {1.f});
    EXPECT_THROW(run(Op::kBITWISE_AND, f, f), KilnError);
}

TEST(ElementWise, BoolLogic) {
    auto a = test::intTensor(DataType::kBOOL, {4}, {0, 0, 1, 1});
    auto b = test::intTensor(DataType::kBOOL, {4}, {0, 1, 0, 1});
    EXPECT_TRUE(test::allClose(run(Op::kAND, a, b), test::intTensor(DataType::kBOOL, {4}, {0, 0, 0, 1}), 0, 0));
    EXPECT_TRUE(test::allClose(run(Op::kOR, a, b), test::intTensor(DataType::kBOOL, {4}, {0, 1, 1, 1}), 0, 0));
    EXPECT_TRUE(test::allClose(run(Op::kXOR, a, b), test::intTensor(DataType::kBOOL, {4}, {0, 1, 1, 0}), 0, 0));
    EXPECT_TRUE(test::allClose(run(Op::kEQUAL, a, b), test::intTensor(DataType::kBOOL, {4}, {1, 0, 0, 1}), 0, 0));
    auto r = test::randomTensor(DataType::kBOOL, {3, 1, 4});
    auto s = test::randomTensor(DataType::kBOOL, {5, 1});
    for (Op op : {Op::kAND, Op::kOR, Op::kXOR})
        EXPECT_TRUE(test::allClose(run(op, r, s), naive(r, s, DataType::kBOOL, oracle(op)), 0, 0));
}

TEST(ElementWise, HalfAndBf16ComputeInFloat) {
    for (DataType t : {DataType::kHALF, DataType::kBF16}) {
        auto a = test::randomTensor(t, {5, 3, 2});
        auto b = test::randomTensor(t, {3, 1}, 0.5, 1.5);
        const double tol = t == DataType::kHALF ? 2e-3 : 1.6e-2;
        for (Op op : kArith) {
            HostTensor got = run(op, a, b);
            ASSERT_EQ(got.type, t);
            HostTensor ref = naive(a, b, DataType::kFLOAT, oracle(op));
            HostTensor gotF = HostTensor::make(DataType::kFLOAT, got.dims);
            for (int64_t i = 0; i < got.numel(); ++i) gotF.as<float>()[i] = static_cast<float>(got.floatAt(i));
            EXPECT_TRUE(test::allClose(gotF, ref, tol, tol)) << "op " << int(op);
        }
        EXPECT_EQ(run(Op::kLESS, a, b).type, DataType::kBOOL);
    }
}

TEST(ElementWise, NanPropagatesThroughMaxMin) {
    auto a = test::tensorFrom({2}, {NAN, 1});
    auto b = test::tensorFrom({2}, {1, NAN});
    auto mx = run(Op::kMAX, a, b);
    auto mn = run(Op::kMIN, a, b);
    for (int i = 0; i < 2; ++i) {
        EXPECT_TRUE(std::isnan(mx.as<float>()[i]));
        EXPECT_TRUE(std::isnan(mn.as<float>()[i]));
    }
}

void expectError(Op op, const HostTensor& a, const HostTensor& b, const std::string& text) {
    try {
        run(op, a, b);
        ADD_FAILURE() << "expected an error containing '" << text << "'";
    } catch (const KilnError& e) {
        EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("node"), std::string::npos) << e.what();
    }
}

// ONNX Pow on integers: exact repeated squaring, negative exponents as integer division.
TEST(ElementWise, IntegerPow) {
    auto base = test::intTensor(DataType::kINT64, {6}, {3, -2, 7, 1, -1, 5});
    auto exponent = test::intTensor(DataType::kINT64, {6}, {4, 3, 0, -3, -3, -1});
    EXPECT_TRUE(test::allClose(run(Op::kPOW, base, exponent),
                               test::intTensor(DataType::kINT64, {6}, {81, -8, 1, 1, -1, 0}), 0, 0));
    auto big = test::intTensor(DataType::kINT64, {1}, {3});
    auto e39 = test::intTensor(DataType::kINT64, {1}, {39});
    EXPECT_TRUE(
        test::allClose(run(Op::kPOW, big, e39), test::intTensor(DataType::kINT64, {1}, {4052555153018976267}), 0, 0));
    auto i32 = test::intTensor(DataType::kINT32, {2}, {2, -3});
    auto e = test::intTensor(DataType::kINT32, {2}, {10, 3});
    EXPECT_TRUE(test::allClose(run(Op::kPOW, i32, e), test::intTensor(DataType::kINT32, {2}, {1024, -27}), 0, 0));
}

TEST(ElementWise, TypeAndShapeErrors) {
    auto f = test::randomTensor(DataType::kFLOAT, {2, 3});
    auto i = test::randomTensor(DataType::kINT32, {2, 3});
    auto bl = test::randomTensor(DataType::kBOOL, {2, 3});
    expectError(Op::kSUM, f, i, "same type");
    expectError(Op::kAND, f, f, "bool");
    expectError(Op::kPOW, bl, bl, "POW");
    expectError(Op::kSUM, bl, bl, "numeric");
    auto g = test::randomTensor(DataType::kFLOAT, {4, 3});
    expectError(Op::kSUM, f, g, "broadcast");
}

ir::ValueInfo intValue(std::vector<ir::DimExpr> v) {
    ir::ValueInfo info;
    info.type = DataType::kINT64;
    info.shape = {ir::DimExpr(static_cast<int64_t>(v.size()))};
    info.value = std::move(v);
    return info;
}

std::vector<ir::DimExpr> inferValue(Op op, const ir::ValueInfo& a, const ir::ValueInfo& b) {
    ir::ElementWiseOp node;
    node.op = op;
    ir::InferContext ctx("ew", {&a, &b}, [](const ir::DimExpr& d) { return d; });
    node.inferShapes(ctx);
    EXPECT_TRUE(ctx.outputs()[0].value.has_value());
    return ctx.outputs()[0].value.value_or(std::vector<ir::DimExpr>{});
}

TEST(ElementWise, PropagatesSymbolicShapeValues) {
    const ir::DimExpr s0 = ir::DimExpr::symbol(0);
    const ir::DimExpr s1 = ir::DimExpr::symbol(1);
    auto v = inferValue(Op::kPROD, intValue({s0, s1}), intValue({2}));
    ASSERT_EQ(v.size(), 2u);
    EXPECT_TRUE(v[0].equals(s0 * ir::DimExpr(2))) << v[0].toString();
    EXPECT_TRUE(v[1].equals(s1 * ir::DimExpr(2))) << v[1].toString();
    v = inferValue(Op::kSUM, intValue({s0, 3}), intValue({1, 4}));
    EXPECT_TRUE(v[0].equals(s0 + ir::DimExpr(1)));
    EXPECT_EQ(v[1].value(), 7);
    v = inferValue(Op::kFLOOR_DIV, intValue({s0 * ir::DimExpr(4)}), intValue({4}));
    EXPECT_TRUE(v[0].equals(s0)) << v[0].toString();
    v = inferValue(Op::kDIV, intValue({-7, 7}), intValue({2}));
    EXPECT_EQ(v[0].value(), -3);
    EXPECT_EQ(v[1].value(), 3);
    v = inferValue(Op::kFLOOR_DIV, intValue({-7}), intValue({2}));
    EXPECT_EQ(v[0].value(), -4);
    v = inferValue(Op::kMAX, intValue({s0, 5}), intValue({s0, 2}));
    EXPECT_TRUE(v[0].equals(s0));
    EXPECT_EQ(v[1].value(), 5);
    v = inferValue(Op::kSUB, intValue({10}), intValue({s1}));
    EXPECT_TRUE(v[0].equals(ir::DimExpr(10) - s1));
    // One value against none: none (the empty operand is never read).
    EXPECT_TRUE(inferValue(Op::kSUB, intValue({}), intValue({3})).empty());
    EXPECT_TRUE(inferValue(Op::kSUM, intValue({s0}), intValue({})).empty());
    v = inferValue(Op::kMOD, intValue({-7, 7, 9}), intValue({3, -3, 3}));
    EXPECT_EQ(v[0].value(), 2);
    EXPECT_EQ(v[1].value(), -2);
    EXPECT_EQ(v[2].value(), 0);
    v = inferValue(Op::kFMOD, intValue({-7, 7}), intValue({3, -3}));
    EXPECT_EQ(v[0].value(), -1);
    EXPECT_EQ(v[1].value(), 1);
    v = inferValue(Op::kMOD, intValue({s0 * ir::DimExpr(6)}), intValue({3}));
    EXPECT_EQ(v[0].toString(), mod(s0 * ir::DimExpr(6), ir::DimExpr(3)).toString());
    // Division by a constant 0 leaves the value unknown (the kernel reports the error).
    ir::ValueInfo a = intValue({4}), z = intValue({0});
    ir::ElementWiseOp node;
    node.op = Op::kDIV;
    ir::InferContext ctx("ew", {&a, &z}, [](const ir::DimExpr& d) { return d; });
    node.inferShapes(ctx);
    EXPECT_FALSE(ctx.outputs()[0].value.has_value());
}

TEST(ElementWise, ConstantInputsGiveValues) {
    auto a = test::intTensor(DataType::kINT64, {2}, {3, 8});
    auto b = test::intTensor(DataType::kINT64, {1}, {2});
    ir::ValueInfo ia = ir::constantInfo(a), ib = ir::constantInfo(b);
    auto v = inferValue(Op::kPROD, ia, ib);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].value(), 6);
    EXPECT_EQ(v[1].value(), 16);
}

// --- The float32_vector tactic against the reference. ------------------------------------------

const char* const kFastTactic = "float32_vector";

//! Same float32 bits element by element (any NaN matches any NaN).
::testing::AssertionResult sameBits(const HostTensor& got, const HostTensor& want) {
    if (got.dims != want.dims || got.type != want.type || got.type != DataType::kFLOAT)
        return ::testing::AssertionFailure()
               << "shape/type " << ir::dimsToString(got.dims) << " vs " << ir::dimsToString(want.dims);
    for (int64_t i = 0; i < got.numel(); ++i) {
        const float g = got.as<float>()[i], w = want.as<float>()[i];
        if (std::isnan(g) && std::isnan(w)) continue;
        if (std::memcmp(&g, &w, sizeof g) != 0)
            return ::testing::AssertionFailure()
                   << "element " << i << ": " << g << " vs reference " << w << " (seed " << test::seed() << ")";
    }
    return ::testing::AssertionSuccess();
}

HostTensor runFast(Op op, const HostTensor& a, const HostTensor& b) {
    ir::ElementWiseOp node;
    node.op = op;
    auto out = cpu::evaluateWithTactic(node, {&a, &b}, kFastTactic);
    EXPECT_EQ(out.size(), 1u);
    return out[0];
}

bool fastSupports(Op op, DataType ta, DataType tb) {
    const cpu::Tactic* t = cpu::findTactic("ElementWise", kFastTactic);
    EXPECT_NE(t, nullptr);
    if (!t) return false;
    ir::ElementWiseOp node;
    node.op = op;
    ir::ValueInfo a, b;
    a.type = ta;
    b.type = tb;
    a.shape = {2, 3};
    b.shape = {3};
    return t->supports(node, {a, b});
}

const Op kFastOps[] = {Op::kSUM, Op::kPROD, Op::kSUB, Op::kDIV, Op::kMAX, Op::kMIN, Op::kPOW, Op::kFLOOR_DIV};

// Same shapes and scalars at lengths below, at and above the vector widths (4 and 8 floats), every
// broadcast pattern of [outer, mid, inner] (channel, per-image channel, spatial, row, column), in
// both operand orders, other ranks, and empty tensors.
const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> kFastShapes = {
    {{1}, {1}},
    {{7}, {7}},
    {{8}, {8}},
    {{9}, {9}},
    {{33}, {33}},
    {{3, 5, 7}, {3, 5, 7}},
    {{2, 3, 17, 33}, {2, 3, 17, 33}},
    {{}, {}},
    {{}, {33}},
    {{9}, {}},
    {{1}, {2, 3, 7, 9}},
    {{2, 3, 7, 9}, {1}},
    {{1, 1, 1, 1}, {1, 3, 8, 8}},
    {{2, 5, 7, 9}, {1, 5, 1, 1}},  // [N,C,H,W] op [1,C,1,1]
    {{1, 5, 1, 1}, {2, 5, 7, 9}},  // and the other way round
    {{2, 5, 7, 9}, {2, 5, 1, 1}},  // [N,C,1,1]
    {{2, 5, 1, 1}, {2, 5, 7, 9}},
    {{1, 16, 1, 1}, {1, 16, 33, 33}},
    {{3, 4, 8, 8}, {4, 1, 1}},
    {{2, 3, 7, 9}, {1, 1, 7, 9}},  // spatial broadcast over N and C
    {{2, 3, 7, 9}, {2, 3, 7, 1}},  // per-row value
    {{2, 3, 7, 1}, {2, 3, 7, 9}},
    {{2, 3, 7, 9}, {9}},  // trailing vector
    {{4, 1}, {1, 5}},     // outer product
    {{9, 1, 33}, {1, 8, 1}},
    {{2, 1, 4, 1, 3}, {1, 3, 1, 5, 1}},
    {{0, 3}, {1, 3}},
    {{2, 0, 5}, {1}},
    {{0}, {}},
    {{3, 1}, {3, 0}},
};

TEST(ElementWiseFast, MatchesReferenceBitForBit) {
    for (const auto& [da, db] : kFastShapes) {
        // Operands of both signs and magnitudes, with divisors away from 0.
        auto a = test::randomTensor(DataType::kFLOAT, da, -4.0, 4.0);
        auto b = test::randomTensor(DataType::kFLOAT, db, 0.25, 3.0);
        for (int64_t i = 0; i < b.numel(); i += 2) b.as<float>()[i] = -b.as<float>()[i];
        auto pa = test::randomTensor(DataType::kFLOAT, da, 0.1, 3.0);  // POW: positive bases
        for (Op op : kFastOps) {
            const HostTensor& x = op == Op::kPOW ? pa : a;
            EXPECT_TRUE(sameBits(runFast(op, x, b), run(op, x, b)))
                << "op " << int(op) << " " << ir::dimsToString(da) << " x " << ir::dimsToString(db);
            EXPECT_TRUE(sameBits(runFast(op, b, x), run(op, b, x)))
                << "op " << int(op) << " " << ir::dimsToString(db) << " x " << ir::dimsToString(da);
        }
    }
}

TEST(ElementWiseFast, MatchesNaiveOracle) {
    // The tactic against the double-precision oracle, as the reference is tested.
    for (const auto& [da, db] : kFastShapes) {
        auto a = test::randomTensor(DataType::kFLOAT, da, 0.5, 2.0);
        auto b = test::randomTensor(DataType::kFLOAT, db, 0.5, 2.0);
        for (Op op : kFastOps)
            EXPECT_TRUE(test::allClose(runFast(op, a, b), naive(a, b, DataType::kFLOAT, oracle(op)),
                                       op == Op::kPOW ? 1e-5 : 1e-6, 1e-6))
                << "op " << int(op) << " " << ir::dimsToString(da) << " x " << ir::dimsToString(db);
    }
}

TEST(ElementWiseFast, NanInfAndSignedZerosLikeTheReference) {
    const float inf = std::numeric_limits<float>::infinity();
    const std::vector<float> special = {NAN, -NAN, inf, -inf, 0.0f, -0.0f, 1.0f, -1.0f, 3.5f};
    const int64_t k = static_cast<int64_t>(special.size());
    // Every pair of special values, in vector-wide runs and in the scalar tail.
    HostTensor a = HostTensor::make(DataType::kFLOAT, {k * k + 3});
    HostTensor b = HostTensor::make(DataType::kFLOAT, {k * k + 3});
    for (int64_t i = 0; i < a.numel(); ++i) {
        a.as<float>()[i] = special[(i / k) % k];
        b.as<float>()[i] = special[i % k];
    }
    for (Op op : kFastOps) {
        EXPECT_TRUE(sameBits(runFast(op, a, b), run(op, a, b))) << "op " << int(op);
        for (float s : special) {
            auto sc = test::tensorFrom({}, {s});
            EXPECT_TRUE(sameBits(runFast(op, a, sc), run(op, a, sc))) << "op " << int(op) << " scalar " << s;
            EXPECT_TRUE(sameBits(runFast(op, sc, a), run(op, sc, a))) << "op " << int(op) << " scalar " << s;
        }
    }
    auto mx = runFast(Op::kMAX, test::tensorFrom({9}, {NAN, 1, 1, 1, 1, 1, 1, 1, 1}),
                      test::tensorFrom({9}, {1, NAN, 1, 1, 1, 1, 1, 1, NAN}));
    EXPECT_TRUE(std::isnan(mx.as<float>()[0]) && std::isnan(mx.as<float>()[1]) && std::isnan(mx.as<float>()[8]));
}

TEST(ElementWiseFast, SupportsOnlyFloat32Arithmetic) {
    for (Op op : kFastOps) EXPECT_TRUE(fastSupports(op, DataType::kFLOAT, DataType::kFLOAT)) << int(op);
    for (DataType t : {DataType::kINT32, DataType::kINT64, DataType::kHALF, DataType::kBF16, DataType::kINT8,
                       DataType::kUINT8, DataType::kBOOL})
        for (Op op : kFastOps) {
            EXPECT_FALSE(fastSupports(op, t, t)) << dataTypeName(t) << " op " << int(op);
            EXPECT_FALSE(fastSupports(op, DataType::kFLOAT, t)) << dataTypeName(t) << " op " << int(op);
            EXPECT_FALSE(fastSupports(op, t, DataType::kFLOAT)) << dataTypeName(t) << " op " << int(op);
        }
    for (Op op : {Op::kEQUAL, Op::kGREATER, Op::kLESS, Op::kAND, Op::kOR, Op::kXOR})
        EXPECT_FALSE(fastSupports(op, DataType::kFLOAT, DataType::kFLOAT)) << int(op);
    // The reference remains the first tactic.
    ASSERT_FALSE(cpu::tacticsFor("ElementWise").empty());
    EXPECT_EQ(cpu::tacticsFor("ElementWise").front().name, "reference");
}

}  // namespace
}  // namespace kiln
