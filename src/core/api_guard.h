// Every public API entry point runs its body through apiGuard, so that no exception crosses
// the API: a KilnError becomes (code, message) on the Logger and ErrorRecorder.
#pragma once

#include <exception>
#include <new>
#include <utility>

#include "core/log.h"
#include "core/status.h"

namespace kiln {

template <class Fn, class R = decltype(std::declval<Fn>()())>
R apiGuard(const LogSink& sink, R onError, Fn&& fn) noexcept {
    try {
        return fn();
    } catch (const KilnError& e) {
        sink.error(e.code(), e.what());
    } catch (const std::bad_alloc&) {
        sink.error(ErrorCode::kFAILED_ALLOCATION, "Host memory allocation failed.");
    } catch (const std::exception& e) {
        sink.error(ErrorCode::kINTERNAL_ERROR, std::string("Internal error: ") + e.what());
    } catch (...) {
        sink.error(ErrorCode::kINTERNAL_ERROR, "Internal error: unknown exception");
    }
    return onError;
}

template <class Fn>
void apiGuardVoid(const LogSink& sink, Fn&& fn) noexcept {
    apiGuard(sink, true, [&] {
        fn();
        return true;
    });
}

}  // namespace kiln
