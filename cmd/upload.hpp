// `ov2ha upload PATH... s3://BUCKET/PREFIX`: files and folders into the bucket.
#pragma once

#include "cmd/cli.hpp"

namespace ov2ha::cmd {

void setup_upload(cli::Cli& cli);

} // namespace ov2ha::cmd
