// `ov2ha record`: the recorder container's main process.
#pragma once

#include "cmd/cli.hpp"

namespace ov2ha::cmd {

void setup_record(cli::Cli& cli);

} // namespace ov2ha::cmd
