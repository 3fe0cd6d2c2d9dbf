// The card-protocol suite against a VirtualCard in this process.
#include "card_protocol_test.hpp"

namespace carta::sim::testing {

INSTANTIATE_TEST_SUITE_P(InProcess, CardProtocol, ::testing::Values(in_process_harness()), harness_name);

}  // namespace carta::sim::testing
