#include "carta/apdu/tlv.hpp"

#include <gtest/gtest.h>

#include <string>

namespace carta::tlv {
namespace {

Tlv read_one(const Bytes& buffer) {
    TlvReader reader(buffer);
    Tlv tlv = reader.next();
    EXPECT_TRUE(reader.at_end());
    return tlv;
}

std::string reader_error(std::string_view hex) {
    const Bytes buffer = from_hex(hex);
    try {
        parse_all(buffer);
    } catch (const TlvError& e) {
        return e.what();
    }
    return "(no error)";
}

bool tag_is_constructed(Tag tag) {
    Tlv tlv;
    tlv.tag = tag;
    return tlv.constructed();
}

Bytes value_of(const Tlv& tlv) {
    return Bytes(tlv.value.begin(), tlv.value.end());
}

// ---- tags ----------------------------------------------------------------------------

TEST(TlvReader, ReadsOneByteTag) {
    const Bytes buffer = from_hex("4F 02 A0 00");
    const Tlv tlv = read_one(buffer);
    EXPECT_EQ(tlv.tag, 0x4Fu);
    EXPECT_EQ(value_of(tlv), from_hex("A0 00"));
}

TEST(TlvReader, ReadsTwoByteTag) {
    const Bytes buffer = from_hex("5F 50 01 41");
    const Tlv tlv = read_one(buffer);
    EXPECT_EQ(tlv.tag, 0x5F50u);
    EXPECT_EQ(value_of(tlv), from_hex("41"));
}

TEST(TlvReader, ReadsThreeByteTag) {
    const Bytes buffer = from_hex("5F 81 01 00");
    const Tlv tlv = read_one(buffer);
    EXPECT_EQ(tlv.tag, 0x5F8101u);
    EXPECT_TRUE(tlv.value.empty());
}

TEST(TlvReader, RejectsTagsLongerThanThreeBytes) {
    EXPECT_EQ(reader_error("5F 81 81 01 00"), "tag longer than 3 bytes at offset 0");
}

TEST(TlvReader, RejectsTruncatedTwoByteTag) {
    EXPECT_EQ(reader_error("5F"), "truncated tag at offset 0");
}

TEST(TlvReader, RejectsTruncatedThreeByteTag) {
    EXPECT_EQ(reader_error("01 00 5F 81"), "truncated tag at offset 2");
}

TEST(TlvReader, RejectsNonMinimalTagContinuation) {
    EXPECT_THROW(parse_all(from_hex("5F 80 01 00")), TlvError);
}

TEST(TlvReader, RejectsPaddingBytes00AndFF) {
    EXPECT_EQ(reader_error("01 00 00"), "padding byte 00 at offset 2 where a tag was expected");
    EXPECT_EQ(reader_error("FF 01 00"), "padding byte FF at offset 0 where a tag was expected");
}

TEST(Tlv, ConstructedFollowsBit6OfTheFirstTagByte) {
    EXPECT_TRUE(tag_is_constructed(0x7F49));
    EXPECT_TRUE(tag_is_constructed(0x6E));
    EXPECT_FALSE(tag_is_constructed(0x5F50));
    EXPECT_FALSE(tag_is_constructed(0x81));
    EXPECT_TRUE(tag_is_constructed(0xBF8101));
}

// ---- lengths -------------------------------------------------------------------------

TEST(TlvReader, ReadsShortFormLengths) {
    EXPECT_TRUE(read_one(from_hex("81 00")).value.empty());
    Bytes buffer{0x81, 0x7F};
    buffer.insert(buffer.end(), 0x7F, 0x11);
    EXPECT_EQ(read_one(buffer).value.size(), 0x7Fu);
}

TEST(TlvReader, Reads81Length) {
    Bytes buffer{0x81, 0x81, 0x80};
    buffer.insert(buffer.end(), 0x80, 0x11);
    EXPECT_EQ(read_one(buffer).value.size(), 0x80u);
}

TEST(TlvReader, Reads82Length) {
    Bytes buffer{0x81, 0x82, 0x01, 0x00};
    buffer.insert(buffer.end(), 0x100, 0x11);
    EXPECT_EQ(read_one(buffer).value.size(), 0x100u);
}

TEST(TlvReader, Reads83Length) {
    Bytes buffer{0x81, 0x83, 0x01, 0x00, 0x00};
    buffer.insert(buffer.end(), 0x10000, 0x11);
    EXPECT_EQ(read_one(buffer).value.size(), 0x10000u);
}

TEST(TlvReader, RejectsNonMinimal81Length) {
    EXPECT_EQ(reader_error("81 81 7F"), "non-minimal length encoding (127 in 2 bytes) of tag 81 at offset 0");
}

TEST(TlvReader, RejectsNonMinimal82Length) {
    EXPECT_THROW(parse_all(from_hex("81 82 00 FF")), TlvError);
}

TEST(TlvReader, RejectsNonMinimal83Length) {
    EXPECT_THROW(parse_all(from_hex("81 83 00 FF FF")), TlvError);
}

TEST(TlvReader, RejectsIndefiniteLength) {
    EXPECT_EQ(reader_error("30 80 01 00 00 00"), "indefinite length of tag 30 at offset 0 is not allowed");
}

TEST(TlvReader, RejectsMoreThanThreeLengthBytes) {
    EXPECT_THROW(parse_all(from_hex("81 84 00 00 00 01 00")), TlvError);
    EXPECT_THROW(parse_all(from_hex("81 FF")), TlvError);
}

TEST(TlvReader, RejectsMissingLength) {
    EXPECT_EQ(reader_error("5F 50"), "truncated length of tag 5F50 at offset 0");
}

TEST(TlvReader, RejectsTruncatedLongLength) {
    EXPECT_EQ(reader_error("81 82 01"), "truncated length of tag 81 at offset 0");
}

TEST(TlvReader, RejectsTruncatedValue) {
    EXPECT_EQ(reader_error("4F 03 A0 00"),
              "truncated value of tag 4F at offset 0: length says 3 bytes but 2 remain");
}

// ---- sequences -----------------------------------------------------------------------

TEST(TlvReader, ReadsConsecutiveElementsAndTracksPosition) {
    const Bytes buffer = from_hex("4F 01 AA 50 02 BB CC");
    TlvReader reader(buffer);
    EXPECT_EQ(reader.next().tag, 0x4Fu);
    EXPECT_EQ(reader.position(), 3u);
    const Tlv second = reader.next();
    EXPECT_EQ(second.tag, 0x50u);
    EXPECT_EQ(value_of(second), from_hex("BB CC"));
    EXPECT_TRUE(reader.at_end());
    EXPECT_THROW(reader.next(), TlvError);
}

TEST(TlvReader, ValuesPointIntoTheBuffer) {
    const Bytes buffer = from_hex("4F 01 AA");
    TlvReader reader(buffer);
    EXPECT_EQ(reader.next().value.data(), buffer.data() + 2);
}

TEST(ParseAll, ReturnsEveryElementAtThisLevel) {
    const Bytes buffer = from_hex("6E 03 4F 01 AA 50 00");
    const auto all = parse_all(buffer);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].tag, 0x6Eu);
    EXPECT_EQ(all[1].tag, 0x50u);
    EXPECT_EQ(parse_all(all[0].value)[0].tag, 0x4Fu);
}

TEST(ParseAll, EmptyBufferHasNoElements) {
    EXPECT_TRUE(parse_all({}).empty());
}

TEST(Find, ReturnsTheFirstElementWithTheTag) {
    const Bytes buffer = from_hex("4F 01 AA 50 01 BB 50 01 CC");
    const auto found = find(buffer, 0x50);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(value_of(*found), from_hex("BB"));
}

TEST(Find, DoesNotSearchNestedElements) {
    const Bytes buffer = from_hex("6E 03 4F 01 AA");
    EXPECT_FALSE(find(buffer, 0x4F).has_value());
}

TEST(Find, ThrowsOnMalformedInputBeforeTheTagIsFound) {
    EXPECT_THROW(find(from_hex("4F 05 AA 50 00"), 0x50), TlvError);
}

TEST(Require, ReturnsThePresentElement) {
    EXPECT_EQ(value_of(require(from_hex("5F 50 01 41"), 0x5F50)), from_hex("41"));
}

TEST(Require, ThrowsMissingTagWhenAbsent) {
    try {
        require(from_hex("4F 01 AA"), 0x7F49);
        FAIL() << "no exception";
    } catch (const TlvError& e) {
        EXPECT_STREQ(e.what(), "missing tag 7F49");
    }
}

// ---- writing -------------------------------------------------------------------------

TEST(AppendTag, WritesOneTwoAndThreeByteTags) {
    Bytes out;
    append_tag(out, 0x4F);
    append_tag(out, 0x5F50);
    append_tag(out, 0x5F8101);
    EXPECT_EQ(to_hex(out), "4F 5F 50 5F 81 01");
}

TEST(AppendTag, RejectsTagsTheReaderWouldReject) {
    Bytes out;
    EXPECT_THROW(append_tag(out, 0x00), TlvError);        // padding
    EXPECT_THROW(append_tag(out, 0x5F), TlvError);        // announces a second byte
    EXPECT_THROW(append_tag(out, 0x4F50), TlvError);      // 4F does not continue
    EXPECT_THROW(append_tag(out, 0x5F81), TlvError);      // second byte announces a third
    EXPECT_THROW(append_tag(out, 0x5F0101), TlvError);    // second byte does not continue
    EXPECT_THROW(append_tag(out, 0x5F818101), TlvError);  // four bytes
    EXPECT_TRUE(out.empty());
}

TEST(AppendLength, UsesTheMinimalForm) {
    const auto length = [](std::size_t n) {
        Bytes out;
        append_length(out, n);
        return to_hex(out);
    };
    EXPECT_EQ(length(0), "00");
    EXPECT_EQ(length(0x7F), "7F");
    EXPECT_EQ(length(0x80), "81 80");
    EXPECT_EQ(length(0xFF), "81 FF");
    EXPECT_EQ(length(0x100), "82 01 00");
    EXPECT_EQ(length(0xFFFF), "82 FF FF");
    EXPECT_EQ(length(0x10000), "83 01 00 00");
    EXPECT_EQ(length(0xFFFFFF), "83 FF FF FF");
}

TEST(AppendLength, RejectsLengthsBeyondThreeBytes) {
    Bytes out;
    EXPECT_THROW(append_length(out, 0x1000000), TlvError);
}

TEST(Encode, WritesTagLengthValue) {
    EXPECT_EQ(to_hex(encode(0x5F50, from_hex("41 42"))), "5F 50 02 41 42");
}

TEST(Encode, RoundTripsThroughTheReaderForEveryLengthForm) {
    for (std::size_t size : {0u, 1u, 0x7Fu, 0x80u, 0xFFu, 0x100u, 0xFFFFu, 0x10000u}) {
        const Bytes value(size, 0x42);
        const Bytes encoded = encode(0x7F49, value);
        const Tlv tlv = read_one(encoded);
        EXPECT_EQ(tlv.tag, 0x7F49u);
        EXPECT_EQ(tlv.value.size(), size);
    }
}

TEST(TlvWriter, WritesFlatElements) {
    TlvWriter w;
    w.add(0x4F, from_hex("A0 00")).add_byte(0x81, 0x07).add_raw(from_hex("50 00"));
    EXPECT_EQ(to_hex(w.finish()), "4F 02 A0 00 81 01 07 50 00");
}

TEST(TlvWriter, ComputesLengthsOfNestedElements) {
    TlvWriter w;
    w.begin(0x7F49).add(0x81, from_hex("01 02 03")).begin(0xA0).add_byte(0x82, 0x03).end().end();
    EXPECT_EQ(to_hex(w.finish()), "7F 49 0A 81 03 01 02 03 A0 03 82 01 03");
}

TEST(TlvWriter, UsesLongFormLengthsForLargeNestedContent) {
    TlvWriter w;
    w.begin(0x7F49).add(0x81, Bytes(256, 0x11)).end();
    const Bytes out = w.finish();
    EXPECT_EQ(to_hex(ByteView(out).first(8)), "7F 49 82 01 04 81 82 01");
    const Tlv outer = read_one(out);
    EXPECT_EQ(value_of(require(outer.value, 0x81)), Bytes(256, 0x11));
}

TEST(TlvWriter, EmptyConstructedElementHasLengthZero) {
    TlvWriter w;
    w.begin(0x6E).end();
    EXPECT_EQ(to_hex(w.finish()), "6E 00");
}

TEST(TlvWriter, FinishRejectsAnOpenElement) {
    TlvWriter w;
    w.begin(0x6E);
    EXPECT_THROW(w.finish(), TlvError);
}

TEST(TlvWriter, EndWithoutBeginIsAnError) {
    TlvWriter w;
    EXPECT_THROW(w.end(), TlvError);
}

TEST(TlvWriter, FinishStartsAfresh) {
    TlvWriter w;
    w.add_byte(0x81, 1);
    EXPECT_EQ(to_hex(w.finish()), "81 01 01");
    EXPECT_TRUE(w.finish().empty());
}

}  // namespace
}  // namespace carta::tlv
