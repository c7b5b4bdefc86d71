#pragma once
// The commands of `mue`: each one's option table (parser specification and help text) and handler.
// A handler gets the arguments parsed against its table and returns the exit code.

#include "options.hpp"

namespace mue::cli {

// cmd_model.cpp
extern const CommandSpec kInfo;
extern const CommandSpec kTokenize;
extern const CommandSpec kInitRandom;
int cmd_info(const ParsedArgs& args);
int cmd_tokenize(const ParsedArgs& args);
int cmd_init_random(const ParsedArgs& args);

// cmd_convert.cpp
extern const CommandSpec kConvertOfa;
int cmd_convert_ofa(const ParsedArgs& args);

// cmd_run.cpp
extern const CommandSpec kRun;
int cmd_run(const ParsedArgs& args);

// cmd_eval.cpp
extern const CommandSpec kEval;
extern const CommandSpec kSweep;
extern const CommandSpec kTune;
int cmd_eval(const ParsedArgs& args);
int cmd_sweep(const ParsedArgs& args);
int cmd_tune(const ParsedArgs& args);

// cmd_train.cpp
extern const CommandSpec kTrain;
extern const CommandSpec kExportShapes;
int cmd_train(const ParsedArgs& args);
int cmd_export_shapes(const ParsedArgs& args);

}  // namespace mue::cli
