// The atomic replace of the state file: whatever step fails, the old file stays
// whole and no temporary file is left behind.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "card_harness.hpp"
#include "file_contents.hpp"
#include "scripted_file_ops.hpp"

namespace carta::sim::testing {
namespace {

namespace fs = std::filesystem;

std::size_t files_in(const fs::path& directory) {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(directory), fs::directory_iterator()));
}

TEST(AtomicWrite, ReplacesTheFile) {
    TempDir dir;
    ScriptedFileOps ops;
    write_file_atomically(ops, dir / "state", as_bytes("old"));
    write_file_atomically(ops, dir / "state", as_bytes("new content"));
    EXPECT_EQ(file_contents(dir / "state"), "new content");
    EXPECT_EQ(files_in(dir.path()), 1u);
    EXPECT_EQ((fs::status(dir / "state").permissions() & fs::perms::all),
              fs::perms::owner_read | fs::perms::owner_write);
}

class AtomicWriteFailure : public ::testing::TestWithParam<std::string> {};

TEST_P(AtomicWriteFailure, LeavesTheOldFileAndNoTemporary) {
    TempDir dir;
    ScriptedFileOps ops;
    write_file_atomically(ops, dir / "state", as_bytes("old"));
    ops.fail_when = [&](const std::string& step, int) { return step == GetParam(); };
    EXPECT_THROW(write_file_atomically(ops, dir / "state", as_bytes("new")), std::system_error);
    EXPECT_EQ(file_contents(dir / "state"), "old");
    EXPECT_EQ(files_in(dir.path()), 1u) << "a temporary file was left behind";
}

INSTANTIATE_TEST_SUITE_P(Steps, AtomicWriteFailure,
                         ::testing::Values("create", "write", "sync", "close", "rename"),
                         [](const auto& info) { return info.param; });

TEST(AtomicWrite, FailedDirectorySyncReportsThatTheNewFileIsInPlace) {
    TempDir dir;
    ScriptedFileOps ops;
    write_file_atomically(ops, dir / "state", as_bytes("old"));
    ops.fail_when = [](const std::string& step, int) { return step == "sync_directory"; };
    EXPECT_THROW(write_file_atomically(ops, dir / "state", as_bytes("new")), DirectorySyncError);
    EXPECT_EQ(file_contents(dir / "state"), "new");
    EXPECT_EQ(files_in(dir.path()), 1u);
}

TEST(AtomicWrite, MissingDirectoryFailsCleanly) {
    TempDir dir;
    FileOps ops;
    EXPECT_THROW(write_file_atomically(ops, dir / "missing" / "state", as_bytes("x")), std::system_error);
}

}  // namespace
}  // namespace carta::sim::testing
