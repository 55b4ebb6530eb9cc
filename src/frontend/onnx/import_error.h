// Errors inside the ONNX importer: an exception with a parser ErrorCode, caught per node by the
// model importer and turned into a ParserError (node index, name, op, text).
#pragma once

#include <exception>
#include <sstream>
#include <stdexcept>
#include <string>

#include "kiln/onnx_parser.h"

namespace kiln::onnximport {

using onnxparser::ErrorCode;

class ImportError : public std::runtime_error {
public:
    ImportError(ErrorCode code, const std::string& msg) : std::runtime_error(msg), mCode(code) {}
    ErrorCode code() const { return mCode; }

private:
    ErrorCode mCode;
};

namespace detail {
class ImportThrower {
public:
    explicit ImportThrower(ErrorCode code) : mCode(code), mUncaught(std::uncaught_exceptions()) {}
    ImportThrower(const ImportThrower&) = delete;
    // If building the message itself threw (a failing check inside the message), that
    // exception is already on its way: throwing a second one would terminate.
    ~ImportThrower() noexcept(false) {
        if (std::uncaught_exceptions() == mUncaught) throw ImportError(mCode, mStream.str());
    }
    template <class T>
    ImportThrower& operator<<(const T& value) {
        mStream << value;
        return *this;
    }

private:
    ErrorCode mCode;
    int mUncaught;
    std::ostringstream mStream;
};
}  // namespace detail

}  // namespace kiln::onnximport

//! ONNX_CHECK(cond, kUNSUPPORTED_NODE_ATTR) << "context"; throws ImportError when cond is false.
#define ONNX_CHECK(cond, code) \
    if (cond) {                \
    } else                     \
        ::kiln::onnximport::detail::ImportThrower(::kiln::onnxparser::ErrorCode::code)
// The loop never repeats (the thrower throws when the statement ends); it tells the compiler
// that control does not continue past the statement.
#define ONNX_THROW(code) \
    while (true) ::kiln::onnximport::detail::ImportThrower(::kiln::onnxparser::ErrorCode::code)
