// carta's command line as a library: main.cpp only calls run(), and the CLI tests
// call it in their own process, with the card in a reader of that process.
#pragma once

#include <memory>

#include "carta/apdu/reader_system.hpp"

namespace carta::cli {

// What `carta ARGS...` does: parses the command line, runs the command, prints what
// it says, and returns the exit status. Readers come from PC/SC.
int run(int argc, char** argv);
// The same with the readers of `readers`. A run leaves nothing behind that the next
// one would see: runs in one process behave as runs of separate processes.
int run(int argc, char** argv, std::shared_ptr<apdu::ReaderSystem> readers);

}  // namespace carta::cli
