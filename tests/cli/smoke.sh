#!/usr/bin/env bash
# End-to-end checks of the `allot` command line on the repo's own fixtures.
# Usage: smoke.sh ALLOT_BINARY FIXTURES_DIR
set -u
allot=$1
fixtures=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }
# expect NAME EXIT_CODE PATTERN -- command...: runs it, checks the exit code and that output matches PATTERN
expect() {
  local name=$1 code=$2 pattern=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" != "$code" ]; then fail "$name: exit $rc, wanted $code"$'\n'"$out"; return; fi
  if ! grep -qE -- "$pattern" <<<"$out"; then fail "$name: output lacks /$pattern/"$'\n'"$out"; return; fi
  pass "$name"
}

pb=$fixtures/pabulib/small_approval.pb
expect "tally greedy lists funded projects" 0 'Spent: 100' -- "$allot" tally "$pb" --rule greedy
expect "tally mes explains payments" 0 'p1: Funded in equal-shares round 1: 6 supporters paid 10.00 each' -- "$allot" tally "$pb" --rule mes
expect "tally --json has top-level winners" 0 '"winners": \[' -- "$allot" tally "$pb" --rule mes --json
expect "tally --json winners are the funded ids" 0 '"p1",[[:space:]]*"p3"' -- bash -c "'$allot' tally '$pb' --rule mes --json | tr -d '\n' | grep -oE '\"winners\": \[[^]]*\]'"
expect "tally --json has rounds" 0 '"rounds": \[' -- "$allot" tally "$pb" --rule mes-add1 --json
expect "tally --compare shows every rule" 0 'phragmen' -- "$allot" tally "$pb" --compare
expect "tally --compare shows fairness" 0 '10 of 10 \(100.0%\)' -- "$allot" tally "$pb" --compare
expect "ticket tie-break records the seed" 0 'ticket \(seed "s1"\)' -- "$allot" tally "$pb" --rule greedy --tie-break ticket --seed s1
expect "default rule comes from the file" 0 'Greedy by support \(greedy\)' -- "$allot" tally "$pb"
expect "cumulative file" 0 'Funded' -- "$allot" tally "$fixtures/pabulib/small_cumulative.pb" --rule greedy
expect "phragmen refuses cumulative ballots" 2 'needs approval ballots' -- "$allot" tally "$fixtures/pabulib/small_cumulative.pb" --rule phragmen
expect "unknown rule" 2 "unknown rule 'nope'" -- "$allot" tally "$pb" --rule nope
expect "unknown option" 2 'unknown option --frobnicate' -- "$allot" tally "$pb" --frobnicate
expect "missing file" 2 'cannot read' -- "$allot" tally "$tmp/none.pb"
expect "no file" 2 'tally needs a .pb or .blt file' -- "$allot" tally
expect "bad step" 2 'step must be a positive number' -- "$allot" tally "$pb" --rule mes-add1 --step abc
expect "ticket needs a seed" 2 'needs --seed' -- "$allot" tally "$pb" --tie-break ticket
expect "no command" 2 'Usage' -- "$allot"
expect "unknown command" 2 "unknown command 'frob'" -- "$allot" frob
expect "help" 0 'allot tally FILE.pb' -- "$allot" --help
expect "rules list" 0 'mes-add1' -- "$allot" rules

# Ranked ballots from BLT files.
blt=$fixtures/blt/example.blt
expect "blt: stv by default for 2 seats" 0 'Single transferable vote' -- "$allot" tally "$blt"
expect "blt: stv elects two" 0 'Elected \(2\)' -- "$allot" tally "$blt"
expect "blt: irv with --seats 1" 0 'Alice: Elected in round 1' -- "$allot" tally "$blt" --rule irv --seats 1
expect "blt: rounds in --json" 0 '"tally": \{' -- "$allot" tally "$blt" --rule stv --json
expect "blt: schulze" 0 'Schulze' -- "$allot" tally "$blt" --rule schulze
expect "blt: schulze margin option" 0 'margin' -- "$allot" tally "$blt" --rule schulze --option strength=margin
expect "blt: borda" 0 'Borda' -- "$allot" tally "$blt" --rule borda
expect "blt: meek" 0 'Meek' -- "$allot" tally "$blt" --rule stv-meek
ext=$fixtures/blt/extensions.blt
for rule in irv stv bottoms-up irv-multipass stv-meek stv-wigm stv-warren stv-scottish stv-mpls stv-cfer qpq schulze ranked-pairs borda; do
  expect "blt with [tie], nicknames, equal ranks: $rule" 0 'Elected \(1\)' -- "$allot" tally "$ext" --rule "$rule"
done
expect "blt: bad option value" 2 'overvote' -- "$allot" tally "$blt" --rule stv --option overvote_rule=bogus
expect "blt: bad --option" 2 'KEY=VALUE' -- "$allot" tally "$blt" --option nonsense
expect "blt: bad seats" 2 'seats must be a whole number' -- "$allot" tally "$blt" --seats zero
expect "blt: unknown ranked rule" 2 "unknown rule 'greedy' for ranked ballots" -- "$allot" tally "$blt" --rule greedy
expect "pb: --option refused" 2 '--option is for .blt files' -- "$allot" tally "$pb" --option a=b
printf '3 1\n1 1 4 0\n0\n"A"\n"B"\n"C"\n"T"\n' > "$tmp/bad.blt"
expect "bad blt names the line" 2 'line 2: candidate 4 does not exist' -- "$allot" tally "$tmp/bad.blt"

# A bad file is refused with its line number.
printf 'META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;10\n2;abc\nVOTES\nvoter_id;vote\n1;1\n' > "$tmp/bad.pb"
expect "bad file names the line" 2 'line 8' -- "$allot" tally "$tmp/bad.pb"

# conformance: a directory laid out like the shared corpus.
mkdir -p "$tmp/conf/expected"
cp "$pb" "$tmp/conf/"
cat > "$tmp/conf/expected/small_approval.mes_cost.json" <<'JSON'
{"status": "ok", "selected": ["p1", "p3"]}
JSON
cat > "$tmp/conf/expected/small_approval.greedy.json" <<'JSON'
{"status": "ok", "selected": ["p1", "p2"]}
JSON
cat > "$tmp/conf/expected/small_approval.mes_cost_add1.json" <<'JSON'
{"status": "timeout"}
JSON
expect "conformance passes" 0 '^2 passed, 0 failed, 1 skipped$' -- "$allot" conformance "$tmp/conf"
cat > "$tmp/conf/expected/small_approval.phragmen.json" <<'JSON'
{"status": "ok", "selected": ["p1"]}
JSON
expect "conformance reports a mismatch" 1 'FAIL small_approval.phragmen: expected but not selected \[p1\]' -- "$allot" conformance "$tmp/conf"
expect "conformance last line counts" 1 '^2 passed, 1 failed, 1 skipped$' -- "$allot" conformance "$tmp/conf"
expect "conformance needs expected/" 2 'expected/ folder' -- "$allot" conformance "$fixtures/blt"

# Reference cases in the neutral JSON layout: a folder or one file.
expect "json cases: the repo's rcv fixtures" 0 ' passed, 0 failed$' -- "$allot" conformance "$fixtures/rcv"
one=$(ls "$fixtures"/rcv/*.json | head -1)
expect "json cases: one file" 0 '^1 passed, 0 failed$' -- "$allot" conformance "$one"
cat > "$tmp/wrong.json" <<'JSON'
{"name": "wrong", "method": "irv", "candidates": ["A", "B"], "seats": 1,
 "options": {"tiebreak": "candidate_order"},
 "ballots": [{"ranking": [["A"]], "count": 2}, {"ranking": [["B"]], "count": 1}],
 "expected": {"winners": ["B"]}}
JSON
expect "json cases: a wrong expectation fails" 1 '^FAIL wrong: .*winners' -- "$allot" conformance "$tmp/wrong.json"

echo
if [ "$failures" -gt 0 ]; then echo "$failures CLI check(s) failed"; exit 1; fi
echo "all CLI checks passed"
