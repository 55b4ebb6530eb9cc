#!/bin/sh
# expect.sh <zero|nonzero> <regex>... -- <command> [args...]: runs the command, shows its output,
# and succeeds when the exit status is as expected and every extended regex matches some line
# of the output (stdout + stderr).
want=$1
shift
patterns=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  patterns="$patterns
$1"
  shift
done
[ "$1" = "--" ] || { echo "expect.sh: missing -- before the command"; exit 2; }
shift
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
case $want in
  zero) [ "$rc" -eq 0 ] ;;
  nonzero) [ "$rc" -ne 0 ] ;;
  *) echo "expect.sh: the first argument must be zero or nonzero"; exit 2 ;;
esac || { echo "expect.sh: exit status $rc, expected $want"; exit 1; }
status=0
printf '%s\n' "$patterns" | while IFS= read -r p; do
  [ -z "$p" ] && continue
  printf '%s\n' "$out" | grep -Eq -- "$p" || { echo "expect.sh: no line of the output matches: $p"; exit 1; }
done || status=1
[ $status -eq 0 ] && echo "expect.sh: as expected (exit status $rc)"
exit $status
