// kiln: one command-line tool with subcommands (trtexec-compatible `exec`, `inspect`, ...).
#include <cstdio>
#include <cstring>
#include <string>

#include "cli_util.h"

namespace {

void usage() {
    std::printf(
        "usage: kiln <command> [options]\n"
        "  exec      build or load an engine and benchmark it (trtexec's flags)\n"
        "  inspect   show an ONNX model or an engine: I/O tensors, layers, implementations, memory (--json)\n"
        "  --version print the library version\n"
        "  --list-env  print the KILN_* environment variables\n");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        usage();
        return 1;
    }
    std::string cmd = argv[1];
    if (cmd == "--version" || cmd == "version") {
        std::printf("kiln %s\n", kiln::getKilnVersionString());
        return 0;
    }
    if (cmd == "--list-env") {
        std::printf("%s", kiln::listEnvironmentKnobs());
        return 0;
    }
    if (cmd == "-h" || cmd == "--help" || cmd == "help") {
        usage();
        return 0;
    }
    if (cmd == "exec") return kiln::cli::runExec(argc - 1, argv + 1);
    if (cmd == "inspect") return kiln::cli::runInspect(argc - 1, argv + 1);
    std::fprintf(stderr, "kiln: unknown command '%s'\n", cmd.c_str());
    usage();
    return 1;
}
