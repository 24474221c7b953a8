// `ov2ha join`: a chunk folder -> one faststart MP4, with report, .info and thumbnail.
#pragma once

#include "cmd/cli.hpp"

namespace ov2ha::cmd {

void setup_join(cli::Cli& cli);

} // namespace ov2ha::cmd
