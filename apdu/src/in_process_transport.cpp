#include "carta/apdu/in_process_transport.hpp"

namespace carta::apdu {

Bytes InProcessTransport::transmit(ByteView command) {
    return card_.process(command);
}

void InProcessTransport::begin_transaction() {
    transaction_.lock();
}

void InProcessTransport::end_transaction() {
    transaction_.unlock();
}

void InProcessTransport::reconnect() {
    card_.power_cycle();
}

}  // namespace carta::apdu
