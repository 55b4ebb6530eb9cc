// A kiln::ProgressMonitor that prints build phases as log lines, throttled.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "kiln/kiln.h"

namespace kiln::cli {

//! Prints "[Progress] <phase>: started (N steps)", "step i/N" (at most one line per
//! `interval` per phase, and always the last step) and "finished in X s". Nested phases are
//! indented under their parent. The builder may call it from any thread.
class ConsoleProgressMonitor : public ProgressMonitor {
public:
    explicit ConsoleProgressMonitor(Logger& logger, std::chrono::milliseconds interval = std::chrono::milliseconds(300))
        : mLogger(logger), mInterval(interval) {}
    void phaseStart(const char* phaseName, const char* parentPhase, int32_t nbSteps) noexcept override;
    bool stepComplete(const char* phaseName, int32_t step) noexcept override;
    void phaseFinish(const char* phaseName) noexcept override;

private:
    using Clock = std::chrono::steady_clock;
    struct Phase {
        std::string name;
        int32_t depth{0};
        int32_t nbSteps{0};
        Clock::time_point start, lastLine;
    };
    Phase* find(const char* name);
    void line(const Phase& phase, const std::string& text);

    Logger& mLogger;
    std::chrono::milliseconds mInterval;
    std::mutex mMutex;
    std::vector<Phase> mPhases;  //!< the open phases, outermost first
};

}  // namespace kiln::cli
