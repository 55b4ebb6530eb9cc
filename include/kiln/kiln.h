// Kiln: the umbrella header.
#pragma once

#include "kiln/builder.h"
#include "kiln/engine.h"
#include "kiln/gpu_allocator.h"
#include "kiln/logger.h"
#include "kiln/network.h"
#include "kiln/runtime.h"
#include "kiln/types.h"
#include "kiln/version.h"
