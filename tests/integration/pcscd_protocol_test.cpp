// The card-protocol suite (tests/simulator/protocol) through a real, private pcscd.
#include "card_protocol_test.hpp"
#include "pcscd_harness.hpp"

namespace carta::sim::testing {

INSTANTIATE_TEST_SUITE_P(Pcscd, CardProtocol, ::testing::Values(pcscd_harness()), harness_name);

}  // namespace carta::sim::testing
