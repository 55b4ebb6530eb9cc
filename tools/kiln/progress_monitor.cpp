#include "progress_monitor.h"

#include <cstdio>

namespace kiln::cli {

ConsoleProgressMonitor::Phase* ConsoleProgressMonitor::find(const char* name) {
    for (auto it = mPhases.rbegin(); it != mPhases.rend(); ++it)
        if (it->name == (name ? name : "")) return &*it;
    return nullptr;
}

void ConsoleProgressMonitor::line(const Phase& phase, const std::string& text) {
    std::string msg = "[Progress] " + std::string(2 * phase.depth, ' ') + phase.name + ": " + text;
    mLogger.log(Logger::Severity::kINFO, msg.c_str());
}

void ConsoleProgressMonitor::phaseStart(const char* phaseName, const char* parentPhase, int32_t nbSteps) noexcept {
    try {
        std::lock_guard<std::mutex> lock(mMutex);
        Phase phase;
        phase.name = phaseName ? phaseName : "";
        Phase* parent = parentPhase ? find(parentPhase) : nullptr;
        phase.depth = parent ? parent->depth + 1 : 0;
        phase.nbSteps = nbSteps;
        phase.start = phase.lastLine = Clock::now();
        mPhases.push_back(phase);
        line(mPhases.back(), "started (" + std::to_string(nbSteps) + " steps)");
    } catch (...) {
        // Progress lines are best effort: never let them fail a build.
    }
}

bool ConsoleProgressMonitor::stepComplete(const char* phaseName, int32_t step) noexcept {
    try {
        std::lock_guard<std::mutex> lock(mMutex);
        Phase* phase = find(phaseName);
        if (!phase) return true;
        auto now = Clock::now();
        bool last = step + 1 >= phase->nbSteps;
        if (last || now - phase->lastLine >= mInterval) {
            phase->lastLine = now;
            line(*phase, "step " + std::to_string(step + 1) + "/" + std::to_string(phase->nbSteps));
        }
    } catch (...) {
    }
    return true;
}

void ConsoleProgressMonitor::phaseFinish(const char* phaseName) noexcept {
    try {
        std::lock_guard<std::mutex> lock(mMutex);
        Phase* phase = find(phaseName);
        if (!phase) return;
        double s = std::chrono::duration<double>(Clock::now() - phase->start).count();
        char text[64];
        std::snprintf(text, sizeof text, "finished in %.3f s", s);
        line(*phase, text);
        mPhases.erase(mPhases.begin() + (phase - mPhases.data()));
    } catch (...) {
    }
}

}  // namespace kiln::cli
