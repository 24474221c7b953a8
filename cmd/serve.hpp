// `ov2ha serve`: the HA controller daemon.
#pragma once

#include "cmd/cli.hpp"

namespace ov2ha::cmd {

void setup_serve(cli::Cli& cli);

} // namespace ov2ha::cmd
