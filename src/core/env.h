// Every KILN_* environment variable is declared here, in one registry that `kiln --list-env`
// prints. Reading an undeclared knob is a programming error.
#pragma once

#include <string>
#include <vector>

namespace kiln {

struct EnvKnob {
    const char* name;
    const char* description;
};

const std::vector<EnvKnob>& envKnobs();
//! The knob's value, or "" when unset. Throws KilnError(kINTERNAL_ERROR) for an undeclared name.
std::string getEnv(const char* name);
//! Comma-separated list value.
std::vector<std::string> getEnvList(const char* name);

}  // namespace kiln
