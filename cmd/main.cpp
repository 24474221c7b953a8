// The ov2ha binary: registers every subcommand and hands over to the CLI.
#include "cmd/cli.hpp"
#include "cmd/join.hpp"
#include "cmd/record.hpp"
#include "cmd/serve.hpp"
#include "cmd/upload.hpp"
#include "cmd/watch.hpp"

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
    try {
        ov2ha::cli::Cli cli;
        ov2ha::cmd::setup_record(cli);
        ov2ha::cmd::setup_join(cli);
        ov2ha::cmd::setup_upload(cli);
        ov2ha::cmd::setup_watch(cli);
        ov2ha::cmd::setup_serve(cli);
        return cli.run(argc, argv);
    } catch (const std::exception& error) {
        std::cerr << "ov2ha: " << error.what() << "\n";
        return ov2ha::cli::k_exit_failure;
    }
}
