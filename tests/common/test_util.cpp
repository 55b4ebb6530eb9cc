#include "common/test_util.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "backends/cpu/dispatch.h"

namespace kiln::test {

uint32_t seed() {
    static const uint32_t s = [] {
        if (const char* env = std::getenv("KILN_TEST_SEED")) return static_cast<uint32_t>(std::strtoul(env, nullptr, 10));
        return static_cast<uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    }();
    return s;
}

std::mt19937& rng() {
    static std::mt19937 g(seed());
    return g;
}

ir::HostTensor randomTensor(DataType type, std::vector<int64_t> dims, double lo, double hi) {
    ir::HostTensor t = ir::HostTensor::make(type, std::move(dims));
    std::uniform_real_distribution<double> dist(lo, hi);
    cpu::dispatchType(type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        T* p = t.as<T>();
        for (int64_t i = 0; i < t.numel(); ++i) {
            double v = dist(rng());
            if constexpr (std::is_same_v<T, cpu::Bool>) {
                cpu::store(p, i, v > (lo + hi) / 2);
            } else if constexpr (cpu::isFloatStorage<T>()) {
                cpu::store(p, i, v);
            } else {
                cpu::store(p, i, std::floor(v));
            }
        }
    });
    return t;
}

ir::HostTensor tensorFrom(std::vector<int64_t> dims, const std::vector<float>& values) {
    ir::HostTensor t = ir::HostTensor::make(DataType::kFLOAT, std::move(dims));
    EXPECT_EQ(static_cast<int64_t>(values.size()), t.numel());
    for (size_t i = 0; i < values.size() && static_cast<int64_t>(i) < t.numel(); ++i) t.as<float>()[i] = values[i];
    return t;
}

ir::HostTensor intTensor(DataType type, std::vector<int64_t> dims, const std::vector<int64_t>& values) {
    ir::HostTensor t = ir::HostTensor::make(type, std::move(dims));
    EXPECT_EQ(static_cast<int64_t>(values.size()), t.numel());
    cpu::dispatchType(type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        for (size_t i = 0; i < values.size() && static_cast<int64_t>(i) < t.numel(); ++i)
            cpu::store(t.as<T>(), static_cast<int64_t>(i), values[i]);
    });
    return t;
}

::testing::AssertionResult allClose(const ir::HostTensor& actual, const ir::HostTensor& expected, double rtol,
                                    double atol) {
    if (actual.dims != expected.dims)
        return ::testing::AssertionFailure() << "shape " << ir::dimsToString(actual.dims) << " != expected "
                                             << ir::dimsToString(expected.dims) << " (seed " << seed() << ")";
    if (actual.type != expected.type)
        return ::testing::AssertionFailure() << "type " << dataTypeName(actual.type) << " != expected "
                                             << dataTypeName(expected.type);
    int64_t bad = 0, worst = -1;
    double worstErr = 0;
    for (int64_t i = 0; i < actual.numel(); ++i) {
        double a = actual.floatAt(i), e = expected.floatAt(i);
        if (std::isnan(a) && std::isnan(e)) continue;
        double err = std::fabs(a - e);
        bool ok = (a == e) || err <= atol + rtol * std::fabs(e);
        if (!ok) {
            ++bad;
            if (err > worstErr || worst < 0) {
                worstErr = err;
                worst = i;
            }
        }
    }
    if (bad == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << bad << " of " << actual.numel() << " elements differ; worst at " << worst
                                         << ": " << actual.floatAt(worst) << " vs expected " << expected.floatAt(worst)
                                         << " (seed " << seed() << ")";
}

}  // namespace kiln::test
