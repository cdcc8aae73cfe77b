/* Regression (found by tests/fuzz/fuzz_numbers, input in
 * tests/fuzz/regress/fuzz_numbers/): parse_i64 took a sign, then let
 * parse_u64 trim blanks again, so "- 4" was read as -4. parse.h promises
 * blanks only around the number, not inside it. */
#include "base/parse.h"
#include "tap.h"

int main(void)
{
	int64_t v = 0;
	ok(!parse_i64("- 4", 3, &v), "parse_i64 rejects \"- 4\"");
	ok(!parse_i64("+ 4", 3, &v), "parse_i64 rejects \"+ 4\"");
	ok(!parse_i64("-\t4", 3, &v), "parse_i64 rejects a tab after the sign");
	ok(parse_i64(" -4 ", 4, &v) && v == -4, "parse_i64 still takes \" -4 \"");
	ok(parse_i64("-9223372036854775808", 20, &v) && v == INT64_MIN, "parse_i64 takes INT64_MIN");
	ok(!parse_i64("9223372036854775808", 19, &v), "parse_i64 rejects INT64_MAX + 1");
	return tap_done();
}
