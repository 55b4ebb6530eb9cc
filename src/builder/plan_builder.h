// From an optimized ir::Graph to an engine::Plan: tensor slots, steps, weights, liveness,
// tactic choice (timed on the target), memory plan and the layer report.
#pragma once

#include <memory>

#include "builder/builder_config_impl.h"
#include "core/log.h"
#include "engine/engine_data.h"
#include "ir/graph.h"
#include "kiln/gpu_allocator.h"

namespace kiln::builder {

//! Slots, steps (with the reference tactic), weights and liveness of `graph`.
engine::Plan planFromGraph(const ir::Graph& graph, std::vector<engine::Profile> profiles);

//! Chooses each step's tactic: drops those over the workspace limit, times the rest at profile
//! 0's OPT shape (through the timing cache), logs every candidate at VERBOSE. Throws the SPEC
//! message when a step has no implementation that fits.
//! GPU plans are timed on the current device, with memory from `allocator` (nullptr: cudaMalloc).
void selectTactics(engine::Plan& plan, const BuilderConfigImpl& config, const LogSink& sink,
                   GpuAllocator* allocator = nullptr);

//! Device-memory size (largest arena + workspace over every profile's MAX shapes), logged at INFO.
void planMemory(engine::Plan& plan, const LogSink& sink);

//! The JSON that `kiln inspect` and Engine::getLayerInformationJson show.
std::string layerInfoJson(const engine::Plan& plan);

}  // namespace kiln::builder
