// `ov2ha watch DIR s3://BUCKET/PREFIX`: ship each finished file of a folder, never lose one.
#pragma once

#include "cmd/cli.hpp"

namespace ov2ha::cmd {

void setup_watch(cli::Cli& cli);

} // namespace ov2ha::cmd
