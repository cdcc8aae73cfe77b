#!/usr/bin/env bats
# explain-oom: event times a script can use (issues #19 and #11). The JSON
# keeps "time" as printed and adds "time_iso" (ISO 8601, or null) and
# "time_note" (why it is null, or what it leaves out). Localised logs are
# made from corpus logs by rewriting their prefix with the month and weekday
# names glibc's locale data has (`locale abmon abday` under each locale;
# the same data as src/oom/timenames.c). Expected values are read off the
# prefixes written here.

load helpers

REAL="$DATA/oom/real"
SYN="$DATA/oom/synthetic"

# log 08 (dmesg -T, "[Sat Apr 27 22:56:09 2019]" on every line) with its
# prefix replaced by $1; prints the JSON's time fields and the victim.
dmesg_t_as() {
	sed "s/^\[Sat Apr 27 22:56:09 2019\]/[$1]/" "$REAL"/08-*.log >"$BATS_TEST_TMPDIR/t.log"
	"$VBTOOL" explain-oom --json "$BATS_TEST_TMPDIR/t.log" |
		jq -r '.events[] | [.time, (.time_iso // "null"), (.time_note // "null"), .victim.comm, .victim.pid] | @tsv'
}

@test "dmesg -T in English: ISO local time, no zone" {
	run dmesg_t_as "Sat Apr 27 22:56:09 2019"
	assert_success
	assert_output "$(printf 'Sat Apr 27 22:56:09 2019\t2019-04-27T22:56:09\tlocal time: the log prints no zone\tstress\t32308')"
}

@test "dmesg -T under ru, de, fr, es, pt, it, pl, zh, ja: the same event, the same ISO time" {
	# %a %b %e %H:%M:%S %Y, Saturday 27 April 2019, names from glibc 2.36
	local prefixes=(
		"Сб апр 27 22:56:09 2019"    # ru_RU
		"Sa Apr 27 22:56:09 2019"    # de_DE
		"sam. avril 27 22:56:09 2019" # fr_FR
		"sam. 27 avril 22:56:09 2019" # fr_FR, day before month (issue #19)
		"sam. avr. 27 22:56:09 2019" # fr_FR, older glibc's abbreviation
		"sáb abr 27 22:56:09 2019"   # es_ES, pt_PT, pt_BR
		"sab apr 27 22:56:09 2019"   # it_IT
		"sob kwi 27 22:56:09 2019"   # pl_PL
		"sob, 27 kwi 2019, 22:56:09" # pl_PL d_t_fmt
		"Сб 27 апр 2019 22:56:09"    # ru_RU d_t_fmt
		"Сб 27 апреля 2019 22:56:09" # ru_RU genitive month
		"六 4月 27 22:56:09 2019"    # zh_CN
		"土  4月 27 22:56:09 2019"   # ja_JP (abmon " 4月")
		"Samstag April 27 22:56:09 2019" # de_DE full names
	)
	local p
	for p in "${prefixes[@]}"; do
		run dmesg_t_as "$p"
		assert_success
		assert_output "$(printf '%s\t2019-04-27T22:56:09\tlocal time: the log prints no zone\tstress\t32308' "$p")"
	done
}

@test "dmesg -T: a name that is a month and a weekday (es/it 'mar') is read by its place" {
	run dmesg_t_as "mar mar 12 07:00:00 2019"
	assert_success
	assert_output --partial "$(printf '\t2019-03-12T07:00:00\t')"
	run dmesg_t_as "Di Mär 12 07:00:00 2019"
	assert_success
	assert_output --partial "$(printf '\t2019-03-12T07:00:00\t')"
	run dmesg_t_as "Вт мая 14 07:00:00 2019"
	assert_success
	assert_output --partial "$(printf '\t2019-05-14T07:00:00\t')"
}

@test "the German corpus log (dmesg -T, de_DE) has its ISO time" {
	run bash -c "'$VBTOOL' explain-oom --json '$REAL'/10-*.log | jq -r '.events[0] | [.time, .time_iso] | @tsv'"
	assert_success
	assert_output "$(printf 'So Jun  9 01:03:02 2013\t2013-06-09T01:03:02')"
}

# log 11 (journalctl short, "Jun 11 20:17:20 hyperv kernel: ...") with the
# month word replaced by $1 (sed expression on the whole prefix: $2).
journal_as() {
	sed "$1" "$REAL"/11-*.log >"$BATS_TEST_TMPDIR/j.log"
	"$VBTOOL" explain-oom --json "$BATS_TEST_TMPDIR/j.log" |
		jq -r '.summary.events, (.events[] | [.time, (.time_iso // "null"), (.time_note // "null"), .victim.comm, .victim.pid] | @tsv)'
}

@test "journalctl short under ru, de, fr, es, pt, it, pl, zh, ja is a prefix; no year, so no ISO time" {
	# %b %d %H:%M:%S, June
	# ru de fr es/pt it pl zh ja
	local months=("июн" "Jun" "juin" "jun" "giu" "cze" "6月" " 6月")
	local m
	for m in "${months[@]}"; do
		run journal_as "s/^Jun 11 /$m 11 /"
		assert_success
		local shown=${m# }
		assert_output "$(printf '1\n%s 11 20:17:20\tnull\tthe log prints no year\tbaloo_file\t662' "$shown")"
	done
}

@test "journalctl short-full under ru: ISO local time in the zone it names" {
	run journal_as 's/^Jun 11 \([0-9:]*\) /Пт 2021-06-11 \1 MSK /'
	assert_success
	assert_output "$(printf '1\nПт 2021-06-11 20:17:20 MSK\t2021-06-11T20:17:20\tlocal time in MSK: the log prints no UTC offset\tbaloo_file\t662')"
}

@test "journalctl short-full in UTC, short-iso and short-iso-precise: ISO with the offset" {
	run journal_as 's/^Jun 11 \([0-9:]*\) /Fri 2021-06-11 \1 UTC /'
	assert_success
	assert_line "$(printf 'Fri 2021-06-11 20:17:20 UTC\t2021-06-11T20:17:20Z\tnull\tbaloo_file\t662')"
	run journal_as 's/^Jun 11 \([0-9:]*\) /2021-06-11T\1+0300 /'
	assert_success
	assert_line "$(printf '2021-06-11T20:17:20+0300\t2021-06-11T20:17:20+03:00\tnull\tbaloo_file\t662')"
	run journal_as 's/^Jun 11 \([0-9:]*\) /2021-06-11T\1.000125-0430 /'
	assert_success
	assert_line "$(printf '2021-06-11T20:17:20.000125-0430\t2021-06-11T20:17:20.000125-04:30\tnull\tbaloo_file\t662')"
}

@test "the balloon messages have their ISO time too" {
	sed 's/^Jun 11 \([0-9:]*\) /2021-06-11T\1+0300 /' "$REAL"/11-*.log >"$BATS_TEST_TMPDIR/iso.log"
	run bash -c "'$VBTOOL' explain-oom --json '$BATS_TEST_TMPDIR/iso.log' | jq -r '.events[0].balloon.messages[] | [.time, .time_iso] | @tsv'"
	assert_success
	assert_output "$(printf '2021-06-11T20:16:31+0300\t2021-06-11T20:16:31+03:00\n2021-06-11T20:16:32+0300\t2021-06-11T20:16:32+03:00')"
}

@test "JSON time fields for every corpus shape" {
	t() { "$VBTOOL" explain-oom --json "$@" | jq -c '.events[0] | [.time, .time_iso, .time_note, .uptime_s]'; }
	# dmesg uptime: no date at all
	run t "$REAL"/02-*.log
	assert_output '["1629.930998",null,"uptime only: seconds since boot (uptime_s), no date",1629.930998]'
	# /dev/kmsg records: usec since boot, the same
	run t "$SYN"/kmsg-records-global.log
	assert_output '["4321.000000",null,"uptime only: seconds since boot (uptime_s), no date",4321]'
	# journalctl short (also syslog/kern.log): no year
	run t "$REAL"/11-*.log
	assert_output '["Jun 11 20:17:20",null,"the log prints no year",null]'
	# kern.log with the dmesg uptime after the syslog time
	run t "$REAL"/20-*.log
	assert_output '["May 12 10:43:01",null,"the log prints no year",46106.733511]'
	# short-iso with a zone
	run t "$SYN"/v6.15-node-balloon-global.log
	assert_output '["2026-11-22T10:15:42+0000","2026-11-22T10:15:42+00:00",null,null]'
	# dmesg -T -x
	run t "$REAL"/15-*.log
	assert_output '["Thu Aug 17 17:29:27 2023","2023-08-17T17:29:27","local time: the log prints no zone",null]'
	# no prefix at all
	run t "$REAL"/01-*.log
	assert_output '[null,null,"the log prints no time",null]'
}

@test "the summary has ISO twins of first_time and last_time" {
	run bash -c "'$VBTOOL' explain-oom --json '$REAL'/08-*.log '$REAL'/10-*.log | jq -c '.summary | [.first_time, .first_time_iso, .last_time, .last_time_iso]'"
	assert_success
	assert_output '["Sat Apr 27 22:56:09 2019","2019-04-27T22:56:09","So Jun  9 01:03:02 2013","2013-06-09T01:03:02"]'
	run bash -c "'$VBTOOL' explain-oom --json '$REAL'/02-*.log | jq -c '.summary | [.first_time, .first_time_iso]'"
	assert_output '["1629.930998",null]'
}

@test "an impossible date is no ISO time" {
	run dmesg_t_as "Sat Feb 30 22:56:09 2019"
	assert_success
	assert_output "$(printf 'Sat Feb 30 22:56:09 2019\tnull\ta time vbtool cannot read\tstress\t32308')"
}
