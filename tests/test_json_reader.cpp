// json_reader: the strict JSON parser that reads metrics files back (fuzzed by
// fuzz/fuzz_json.cpp).
#include <doctest/doctest.h>

#include <string>

#include "w2v/error.hpp"
#include "w2v/json.hpp"
#include "w2v/json_reader.hpp"

TEST_SUITE("json_reader") {
  TEST_CASE("values of every kind, escapes, surrogate pairs and nesting") {
    const w2v::JsonValue v = w2v::parse_json(
        " {\"a\": [1, -0.5e2, true, false, null], \"s\": \"x\\u00e9\\ud83d\\ude00\\n\\\"\", "
        "\"o\": {}} ",
        "t");
    REQUIRE(v.kind == w2v::JsonValue::Kind::kObject);
    const w2v::JsonValue* a = v.find("a");
    REQUIRE(a != nullptr);
    REQUIRE(a->items.size() == 5);
    CHECK(a->items[0].number == 1);
    CHECK(a->items[1].number == -50);
    CHECK(a->items[2].boolean);
    CHECK(a->items[4].kind == w2v::JsonValue::Kind::kNull);
    CHECK(v.find("s")->string == "x\xc3\xa9\xf0\x9f\x98\x80\n\"");
    CHECK(v.find("o")->members.empty());
    CHECK(v.find("missing") == nullptr);
  }

  TEST_CASE("what the library writes reads back") {
    w2v::JsonObject o;
    o.add("name", "tab\there \x01 \xc3\xa9").add("pi", 3.14159).add("small", 0.01f).add("n", 7);
    const w2v::JsonValue v = w2v::parse_json(o.str(), "t");
    CHECK(v.find("name")->string == "tab\there \x01 \xc3\xa9");
    CHECK(v.find("pi")->number == 3.14159);
    CHECK(v.find("small")->number == 0.01);
    CHECK(v.find("n")->number == 7);
  }

  TEST_CASE("malformed JSON is an Error naming the file and byte") {
    const char* bad[] = {"",         "{",       "[1,]",        "{\"a\":1,}",  "01",
                         "1.",       "1e",      "-",           "+1",          "NaN",
                         "'a'",      "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"", "\"a\nb\"",
                         "\"\xff\"", "1 2",     "tru",         "[1e999]",     "{1:2}"};
    for (const char* text : bad) {
      CAPTURE(std::string(text));
      CHECK_THROWS_AS(w2v::parse_json(text, "m.json"), w2v::Error);
    }
    try {
      w2v::parse_json("[1, 2,, 3]", "m.json");
      FAIL("no error");
    } catch (const w2v::Error& e) {
      CHECK(std::string(e.what()) == "m.json: byte 6: not a JSON value");
    }
    // Nesting has a limit, well above what a metrics file needs.
    CHECK_NOTHROW(w2v::parse_json(std::string(100, '[') + std::string(100, ']'), "t"));
    CHECK_THROWS_AS(w2v::parse_json(std::string(100000, '['), "t"), w2v::Error);
  }
}
