// carta: the administration tool of carta cards; the command line is cli.cpp.
#include "cli.hpp"

int main(int argc, char** argv) {
    return carta::cli::run(argc, argv);
}
