// The module's own threads (the reader's card releaser) and fork().
//
// A child of fork() inherits every lock as it was at that instant, but none of
// the threads that held them. Were our releaser thread inside libpcsclite
// (which guards its context list with one process-wide mutex), inside the
// allocator of a sanitizer runtime, or starting or ending (both allocate), the
// child's first SCardEstablishContext or thread or allocation would wait forever
// for a lock nobody releases. So the module's threads hold a pass whenever they
// do anything but sleep, and fork() (pthread_atfork) first waits until no pass
// is out and hands out no new one until it has returned. The application's own
// threads inside the module are the application's business, as with any library.
//
// posix_spawn() and vfork() run no fork handlers and are not slowed down.
#pragma once

namespace carta::pkcs11::fork_gate {

// Takes a pass; waits while a fork() is under way. The first call registers the
// fork handlers (once per process; glibc drops them when the module is unloaded).
void enter();
// Gives a pass back; never waits.
void leave();

}  // namespace carta::pkcs11::fork_gate
