// option_range and the command line's number parser: documented ranges, and values that
// must not slip through (octal, hexadecimal, NaN, negative for unsigned).
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "cli/number_options.hpp"
#include "w2v/error.hpp"
#include "w2v/option_range.hpp"
#include "w2v/train_options.hpp"

TEST_SUITE("option_range") {
  TEST_CASE("describe shows closed and open ends, and the 64-bit limits by name") {
    CHECK(w2v::ranges::kDim.describe() == "[1, 100000]");
    CHECK(w2v::ranges::kLearningRate.describe() == "(0, 10]");
    CHECK(w2v::ranges::kMinCount.describe() == "[0, 2^63-1]");
    CHECK(w2v::ranges::kSeed.describe() == "[0, 2^64-1]");
    CHECK(w2v::ranges::kSample.describe() == "[0, 1]");
  }

  TEST_CASE("require_in_range names the option, the range and the value") {
    CHECK_NOTHROW(w2v::require_in_range(5, w2v::ranges::kWindow, "--window"));
    CHECK_THROWS_WITH_AS(w2v::require_in_range(0, w2v::ranges::kWindow, "--window"),
                         "--window must be a whole number in [1, 1000], got 0", w2v::UsageError);
    CHECK_THROWS_AS(w2v::require_in_range(0, w2v::ranges::kLearningRate, "--lr"), w2v::UsageError);
    CHECK_THROWS_AS(w2v::require_in_range(2.5L, w2v::ranges::kWindow, "--window"), w2v::UsageError);
    CHECK_THROWS_AS(w2v::require_in_range(std::nanl(""), w2v::ranges::kSample, "--sample"),
                    w2v::UsageError);
    w2v::TrainOptions o;
    CHECK_NOTHROW(w2v::validate(o));
    o.epochs = 10001;
    CHECK_THROWS_WITH_AS(w2v::validate(o), doctest::Contains("--epochs"), w2v::UsageError);
  }

  TEST_CASE("check_number accepts plain decimals in range and gives canonical text") {
    using w2v::cli::check_number;
    CHECK(!check_number("010", w2v::ranges::kDim).error.empty());  // octal 8 or ten?
    CHECK(!check_number("-00", w2v::ranges::kLimit).error.empty());
    CHECK(check_number("10", w2v::ranges::kDim).text == "10");
    CHECK(check_number("+7", w2v::ranges::kDim).text == "7");
    CHECK(check_number("0", w2v::ranges::kLimit).text == "0");
    CHECK(check_number("-0", w2v::ranges::kLimit).text == "0");
    CHECK(check_number("0.5", w2v::ranges::kSample).text == "0.5");
    CHECK(check_number("0", w2v::ranges::kSample).text == "0");
    CHECK(check_number("18446744073709551615", w2v::ranges::kSeed).error.empty());
    CHECK(check_number("1e-4", w2v::ranges::kSample).text == "1e-4");
    CHECK(check_number("-0.5", w2v::ranges::kNsExponent).error.empty());
    for (const char* bad : {"-1", "0x10", "1e3", " 5", "5 ", "", "+", "-", "1.0", "١٠",
                            "18446744073709551616", "99999999999999999999999"}) {
      CAPTURE(std::string(bad));
      const auto checked = check_number(bad, w2v::ranges::kSeed);
      CHECK(checked.error.find("must be a whole number in [0, 2^64-1]") == 0);
    }
    for (const char* bad : {"nan", "inf", "-inf", "0x1p-3", "1,5", "2", "-0.1", "1e400"}) {
      CAPTURE(std::string(bad));
      CHECK(!check_number(bad, w2v::ranges::kSample).error.empty());
    }
    CHECK(!check_number("0", w2v::ranges::kLearningRate).error.empty());
    // Above 0 as a double, 0 as the float the option is stored in.
    CHECK(check_number("1e-50", w2v::ranges::kCosInit).error.empty());
    CHECK(!check_number("1e-50", w2v::ranges::kCosInit, true).error.empty());
    CHECK(check_number("1e-30", w2v::ranges::kCosInit, true).error.empty());
    CHECK(check_number("0.025", w2v::ranges::kLearningRate).error.empty());
  }
}
