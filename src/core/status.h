// Errors inside the library: exceptions that carry an ErrorCode and a message with context.
// They never cross the public API: every API entry point catches them (see api_guard.h).
#pragma once

#include <exception>
#include <sstream>
#include <stdexcept>
#include <string>

#include "kiln/logger.h"

namespace kiln {

class KilnError : public std::runtime_error {
public:
    KilnError(ErrorCode code, const std::string& msg) : std::runtime_error(msg), mCode(code) {}
    ErrorCode code() const { return mCode; }

private:
    ErrorCode mCode;
};

namespace detail {
//! Collects a message with operator<< and throws it when the full expression ends.
class Thrower {
public:
    explicit Thrower(ErrorCode code) : mCode(code), mUncaught(std::uncaught_exceptions()) {}
    Thrower(const Thrower&) = delete;
    // If building the message itself threw (a failing check inside the message), that
    // exception is already on its way: throwing a second one would terminate.
    ~Thrower() noexcept(false) {
        if (std::uncaught_exceptions() == mUncaught) throw KilnError(mCode, mStream.str());
    }
    template <class T>
    Thrower& operator<<(const T& value) {
        mStream << value;
        return *this;
    }

private:
    ErrorCode mCode;
    int mUncaught;
    std::ostringstream mStream;
};
}  // namespace detail

}  // namespace kiln

//! KILN_CHECK(cond) << "context"; throws KilnError(kINVALID_ARGUMENT) when cond is false.
#define KILN_CHECK(cond) \
    if (cond) {          \
    } else               \
        ::kiln::detail::Thrower(::kiln::ErrorCode::kINVALID_ARGUMENT)
#define KILN_CHECK_CODE(cond, code) \
    if (cond) {                     \
    } else                          \
        ::kiln::detail::Thrower(code)
#define KILN_THROW(code) ::kiln::detail::Thrower(code)
