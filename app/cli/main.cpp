// `mue`: the command-line face of the engine. Exit codes: 0 ok, 1 internal error, 2 usage error,
// 3 bad input (the message on stderr names the file or field).

#include "commands.hpp"
#include "common.hpp"

#include "mue/errors.hpp"

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

namespace mue::cli {
namespace {

// A command's option table and the handler that runs the arguments parsed against it.
struct Command {
    const CommandSpec* spec;
    int (*run)(const ParsedArgs&);
};

const std::vector<Command> kCommands{{&kInfo, cmd_info},   {&kTokenize, cmd_tokenize},      {&kRun, cmd_run},
                                     {&kEval, cmd_eval},   {&kSweep, cmd_sweep},            {&kTune, cmd_tune},
                                     {&kTrain, cmd_train}, {&kExportShapes, cmd_export_shapes},
                                     {&kInitRandom, cmd_init_random}, {&kConvertOfa, cmd_convert_ofa}};

std::string top_level_help() {
    std::string help =
        "mue " MUE_VERSION " - MuE (multiple early exiting) vision-language engine\n\n"
        "Usage: mue COMMAND [options]\n\nCommands:\n";
    for (const auto& c : kCommands) {
        std::string name = "  " + c.spec->name;
        name.resize(22, ' ');
        help += name + c.spec->summary.substr(0, c.spec->summary.find('\n')) + "\n";
    }
    help += "\n'mue COMMAND --help' shows a command's options. Exit codes: 0 ok, 2 usage error, 3 bad input.\n";
    return help;
}

int dispatch(const std::vector<std::string>& argv) {
    if (argv.empty() || argv[0] == "--help" || argv[0] == "-h" || argv[0] == "help") {
        std::cout << top_level_help();
        return argv.empty() ? kExitUsage : kExitOk;
    }
    if (argv[0] == "--version") {
        std::cout << "mue " MUE_VERSION "\n";
        return kExitOk;
    }
    const std::vector<std::string> rest(argv.begin() + 1, argv.end());
    for (const auto& command : kCommands) {
        if (command.spec->name != argv[0]) continue;
        if (std::find(rest.begin(), rest.end(), "--help") != rest.end()) {
            std::cout << command_help(*command.spec);
            return kExitOk;
        }
        return command.run(parse_args(*command.spec, rest));
    }
    throw UsageError("unknown command '" + argv[0] + "'");
}

}  // namespace
}  // namespace mue::cli

int main(int argc, char** argv) {
    using namespace mue::cli;
    try {
        return dispatch(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const UsageError& e) {
        std::cerr << e.what() << "\n(see 'mue --help')\n";
        return kExitUsage;
    } catch (const mue::InputError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const std::exception& e) {
        std::cerr << "internal error: " << e.what() << "\n";
        return kExitInternal;
    }
}
