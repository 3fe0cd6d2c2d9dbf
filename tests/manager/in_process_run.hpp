// carta run in the test process (carta::cli::run) exactly as the binary would run:
// environment, standard input, output and error as Process gives them to a child.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "carta/apdu/reader_system.hpp"
#include "process.hpp"

namespace carta::test {

// `args` without argv[0]. For the run, this process's environment loses carta's code
// variables (CARTA_PIN ...) and gets `environment`; standard input is empty and no
// terminal; everything written to file descriptors 1 and 2 is captured. All of it is
// restored afterwards. Readers come from `readers`.
Result run_in_process(const std::vector<std::string>& args, const Environment& environment,
                      std::shared_ptr<apdu::ReaderSystem> readers);

}  // namespace carta::test
