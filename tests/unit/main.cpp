// The Catch2 runner of the unit tests; the tests live in one file per component.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
