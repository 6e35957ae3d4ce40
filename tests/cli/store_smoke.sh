#!/usr/bin/env bash
# The store through the CLI, end to end: demo, election lifecycle, codes, export,
# verify, and a one-byte change caught by verify. Usage: store_smoke.sh ALLOT FIXTURES
set -u
allot="$1"
fixtures="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0
check() {  # check NAME EXPECTED_EXIT COMMAND...
  local name="$1" want="$2"
  shift 2
  "$@" >"$work/out" 2>&1
  local got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL $name: exit $got, expected $want"
    sed 's/^/    /' "$work/out" | head -20
    fail=1
  else
    echo "ok   $name"
  fi
}
contains() {  # contains NAME TEXT (in the last command's output)
  if grep -qF -- "$2" "$work/out"; then echo "ok   $1"; else
    echo "FAIL $1: output lacks '$2'"; sed 's/^/    /' "$work/out" | head -20; fail=1; fi
}

# The demo, published, and its records.
check "demo" 0 "$allot" demo --data "$work/demo" --ballots 40 --publish
contains "demo prints the officer login" "Officer login: officer / "
check "demo.json is private" 0 test "$(stat -c %a "$work/demo/demo.json")" = 600
check "demo twice refused" 2 "$allot" demo --data "$work/demo"
for e in riverside-budget-2026 riverside-pilots-2026; do
  check "export $e" 0 "$allot" export --data "$work/demo" --election "$e" --out "$work/rec-$e"
  check "verify $e" 0 "$allot" verify "$work/rec-$e"
  contains "verify $e verdict" "VERIFIED: all"
done
check "export to an existing directory refused" 2 "$allot" export --data "$work/demo" --election riverside-budget-2026 --out "$work/rec-riverside-budget-2026"

# One changed byte in the ballots makes verify fail and say where.
cp -r "$work/rec-riverside-budget-2026" "$work/tampered"
off="$(grep -abo '"B0' "$work/tampered/ballots.jsonl" | head -1 | cut -d: -f1)"
printf 'X' | dd of="$work/tampered/ballots.jsonl" bs=1 seek=$((off + 3)) conv=notrunc status=none
check "verify a tampered record" 1 "$allot" verify "$work/tampered"
contains "tampered verdict" "NOT VERIFIED"

# An election from a definition file: codes, open, frozen, close, tally, publish.
d="$work/data"
check "create" 0 "$allot" election create --data "$d" "$fixtures/store/small-election.json"
check "create twice refused" 2 "$allot" election create --data "$d" "$fixtures/store/small-election.json"
check "codes" 0 "$allot" codes --data "$d" --election small-2026 --count 5 --out "$work/codes.csv"
check "codes (district)" 0 "$allot" codes --data "$d" --election small-2026 --count 3 --district east --out "$work/codes-east.csv"
check "codes csv has 5 codes" 0 test "$(tail -n +2 "$work/codes.csv" | wc -l)" = 5
check "codes csv is private" 0 test "$(stat -c %a "$work/codes.csv")" = 600
check "unknown district refused" 2 "$allot" codes --data "$d" --election small-2026 --count 3 --district nowhere --out "$work/c3.csv"
code="$(sed -n 2p "$work/codes.csv" | cut -d, -f1)"
plain="$(echo "$code" | tr -d -)"
if grep -rqaF -e "$code" -e "$plain" "$d"; then echo "FAIL a voting code is stored in clear"; fail=1; else echo "ok   codes are not stored in clear"; fi
check "open" 0 "$allot" election open --data "$d" --election small-2026
check "update after open refused" 2 "$allot" election update --data "$d" "$fixtures/store/small-election.json"
contains "frozen message" "frozen"
check "codes after open refused" 2 "$allot" codes --data "$d" --election small-2026 --count 1 --out "$work/late.csv"
check "tally before close refused" 2 "$allot" election tally --data "$d" --election small-2026 --seed s
check "close" 0 "$allot" election close --data "$d" --election small-2026
check "tally" 0 "$allot" election tally --data "$d" --election small-2026 --seed "public draw 7 19 23"
check "publish" 0 "$allot" election publish --data "$d" --election small-2026
check "export small" 0 "$allot" export --data "$d" --election small-2026 --out "$work/rec-small"
check "verify small" 0 "$allot" verify "$work/rec-small"

# An online backup is a working database with the same elections.
check "backup" 0 "$allot" backup --data "$d" --out "$work/backup.db"
mkdir -p "$work/restored" && cp "$work/backup.db" "$work/restored/allot.db" && cp -r "$d/keys" "$work/restored/"
check "restored list" 0 "$allot" election list --data "$work/restored"
contains "restored has the election" "small-2026	published"
check "backup to an existing file refused" 2 "$allot" backup --data "$d" --out "$work/backup.db"

exit $fail
