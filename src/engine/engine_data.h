// The in-memory form of an engine plan: what the builder produces, what the engine file stores
// (engine.fbs) and what the runtime executes. Plain data; the writer and reader convert it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/attr.h"
#include "kiln/types.h"

namespace kiln::engine {

//! Incremented whenever engine.fbs or the meaning of a field changes.
constexpr uint32_t kFormatVersion = 1;
constexpr char kMagic[4] = {'K', 'I', 'L', 'N'};

struct Header {
    uint32_t formatVersion{kFormatVersion};
    int32_t libraryVersion{0};  //!< KILN_VERSION of the library that built it
    DeviceType backend{DeviceType::kCPU};
    std::string deviceName;          //!< "cpu" or the GPU's name
    int32_t computeCapability{0};    //!< major * 10 + minor; 0 on the CPU
    std::string buildOptions;        //!< human-readable summary of the config (flags, level)
};

//! A tensor slot of the plan: I/O, activation or constant.
struct TensorSlot {
    std::string name;
    DataType type{DataType::kFLOAT};
    //! Build-time dims, -1 where dynamic (what Engine::getTensorShape reports for I/O).
    std::vector<int64_t> dims;
    bool isInput{false};
    bool isOutput{false};
    int32_t weightIndex{-1};  //!< index into Plan::weights for constants, else -1
    //! Liveness over step indices (first step that writes it, last step that reads it).
    int32_t firstStep{-1};
    int32_t lastStep{-1};
};

struct Step {
    std::string layerName;
    std::string opName;
    ir::AttrMap attributes;
    std::vector<int32_t> inputs;   //!< tensor slot indices; -1 for an absent optional input
    std::vector<int32_t> outputs;  //!< tensor slot indices
    std::string tacticName;
    uint64_t workspaceSize{0};     //!< at the largest profile shapes
    DataType precision{DataType::kFLOAT};
    std::vector<std::string> fusedFrom;
};

struct ProfileInput {
    std::string name;
    std::vector<int64_t> min, opt, max;
};

struct Profile {
    std::vector<ProfileInput> inputs;
};

struct Weights {
    DataType type{DataType::kFLOAT};
    std::vector<int64_t> dims;
    std::vector<uint8_t> bytes;  //!< stored 256-byte aligned in the file, with a checksum
};

struct Plan {
    Header header;
    std::vector<TensorSlot> tensors;
    std::vector<Step> steps;
    std::vector<Profile> profiles;
    std::vector<Weights> weights;
    uint64_t deviceMemorySize{0};  //!< activation arena at the largest shapes of any profile
    std::string layerInfoJson;     //!< what kiln inspect shows
};

}  // namespace kiln::engine
