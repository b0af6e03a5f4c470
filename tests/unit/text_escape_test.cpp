// util/text_escape: what leaves the sensor is valid UTF-8, and the escape
// can be undone; what reaches a terminal has no control characters.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "util/text_escape.h"

using crowsnest::is_escape_free;
using crowsnest::is_valid_utf8;
using crowsnest::terminal_safe;
using crowsnest::utf8_escape;
using crowsnest::utf8_unescape;

TEST_CASE("text escape: valid UTF-8 and ordinary backslashes pass unchanged") {
    for (const std::string &s : std::vector<std::string>{"", "xmrig --donate-level=1", "/tmp/\xc3\xa9t\xc3\xa9", "\xe2\x82\xac 5", "\xf0\x9f\x90\xa6",
                                "perl -e 'print \"a\\n\"'", "C:\\Users", "tab\there", std::string("nul\0in", 6)}) {
        INFO(s);
        CHECK(is_escape_free(s));
        CHECK(utf8_escape(s) == s);
    }
}

TEST_CASE("text escape: invalid bytes become hex escapes, and the escape undoes exactly") {
    struct Case {
        std::string raw, escaped;
    } cases[] = {
        {"\xff", "\\xff"},
        {"a\xff" "b", "a\\xffb"},
        {"\xc3", "\\xc3"},                          // a sequence cut short at the end
        {"\xc3(", "\\xc3("},                        // a lead byte without its continuation
        {"\x80", "\\x80"},                          // a lone continuation byte
        {"\xc0\xaf", "\\xc0\\xaf"},                 // overlong '/'
        {"\xe0\x80\xaf", "\\xe0\\x80\\xaf"},        // overlong, three bytes
        {"\xed\xa0\x80", "\\xed\\xa0\\x80"},        // a UTF-16 surrogate
        {"\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"},  // above U+10FFFF
        {"\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80"},
        {"\\xff", "\\\\xff"},                       // the text \xff itself
        {"\\\\", "\\\\\\"},                         // two backslashes
        {"\\x4", "\\x4"},                           // not an escape: left alone
        {"end\\", "end\\"},
        {"\\\xff", "\\\\\\xff"},                 // a backslash before an escaped byte
    };
    for (const auto &c : cases) {
        INFO(c.escaped);
        CHECK(utf8_escape(c.raw) == c.escaped);
        CHECK(utf8_unescape(c.escaped) == c.raw);
        CHECK(is_valid_utf8(c.escaped));
    }
}

TEST_CASE("text escape: every byte string round-trips and comes out valid") {
    // all 2-byte strings, and 3-byte strings over the interesting bytes
    const unsigned char bytes[] = {0x00, 0x5c, 0x78, 0x66, 0x41, 0x7f, 0x80, 0xbf, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xff};
    for (int a = 0; a < 256; a++)
        for (int b = 0; b < 256; b++) {
            const std::string raw{char(a), char(b)};
            const std::string e = utf8_escape(raw);
            REQUIRE(utf8_unescape(e) == raw);
            REQUIRE(is_valid_utf8(e));
            if (is_valid_utf8(raw) && raw.find('\\') == std::string::npos) REQUIRE(e == raw);
        }
    for (auto a : bytes)
        for (auto b : bytes)
            for (auto c : bytes) {
                const std::string raw{char(a), char(b), char(c)};
                REQUIRE(utf8_unescape(utf8_escape(raw)) == raw);
            }
}

TEST_CASE("text escape: a terminal gets no control character, C0, DEL or C1") {
    CHECK(terminal_safe("ok line") == "ok line");
    CHECK(terminal_safe("fake\r12:00 CRITICAL") == "fake\\x0d12:00 CRITICAL");
    CHECK(terminal_safe("\x1b[2J\x1b[1;31m") == "\\x1b[2J\\x1b[1;31m");
    CHECK(terminal_safe("a\nb\tc\x7f") == "a\\x0ab\\x09c\\x7f");
    CHECK(terminal_safe("\xc2\x9b" "31m") == "\\u009b31m");  // C1 CSI
    CHECK(terminal_safe("caf\xc3\xa9") == "caf\xc3\xa9");
}
