// The tactic registry of every backend, filled by static registrations before main.
#include <map>
#include <utility>

#include "backends/tactic.h"

namespace kiln::backend {

namespace {
std::map<std::pair<DeviceType, std::string>, std::vector<Tactic>>& registry() {
    static std::map<std::pair<DeviceType, std::string>, std::vector<Tactic>> r;
    return r;
}
}  // namespace

void registerTactic(DeviceType backend, const char* opName, Tactic tactic) {
    auto& list = registry()[{backend, opName}];
    // The reference goes first: it is the default choice and the oracle.
    if (tactic.name == "reference") {
        list.insert(list.begin(), std::move(tactic));
    } else {
        list.push_back(std::move(tactic));
    }
}

const std::vector<Tactic>& tacticsFor(DeviceType backend, const std::string& opName) {
    static const std::vector<Tactic> kNone;
    auto it = registry().find({backend, opName});
    return it == registry().end() ? kNone : it->second;
}

const Tactic* findTactic(DeviceType backend, const std::string& opName, const std::string& tacticName) {
    for (const Tactic& t : tacticsFor(backend, opName))
        if (t.name == tacticName) return &t;
    return nullptr;
}

}  // namespace kiln::backend
