#!/usr/bin/env bash
# carta's bash completion, sourced as bash-completion would: it completes the subcommands
# `carta --help` lists (read here from the binary, not from the completion's tables), the
# options of a subcommand, the top-level options after one, fixed values, and file names.
#   completion.sh COMPLETION_FILE CARTA_BINARY
set -euo pipefail
completion=$1 carta=$2
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
# shellcheck source=/dev/null
source "$completion"
complete -p carta | grep -q -- '-F _carta carta' || fail "sourcing it registers no completion for carta"

# complete WORD...: the completions of the last word (empty: a new word), one per line.
complete_words() {
    COMP_WORDS=(carta "$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="${COMP_WORDS[*]}"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _carta
    printf '%s\n' "${COMPREPLY[@]}" | sort
}
one_line() { tr '\n' ' ' <<< "$1"; }
# expect "WORDS" "EXPECTED (space-separated)"
expect() {
    local words=$1 want got
    read -ra args <<< "$words"
    [[ $words == *" " || -z $words ]] && args+=("")
    want=$(tr ' ' '\n' <<< "$2" | sed '/^$/d' | sort)
    got=$(complete_words "${args[@]}" | sed '/^$/d')
    [[ $got == "$want" ]] || fail "carta $words<TAB>: got [$(one_line "$got")], expected [$(one_line "$want")]"
    echo "ok: carta $words<TAB> -> $(one_line "$got")"
}

# The subcommands, as the binary's own help lists them: a new one must complete too.
subcommands=$("$carta" --help | awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}')
[[ -n $subcommands ]] || fail "no subcommands in carta --help"
expect "" "$subcommands"
expect "ce" "cert"
expect "cert " "import export"
expect "pin " "change unblock"
expect "key generate --al" "--algorithm"
expect "key generate --algorithm " "rsa2048 rsa3072 rsa4096 p256 p384"
expect "key generate --algorithm rsa" "rsa2048 rsa3072 rsa4096"
expect "--profile " "common secure"
# An option's value is not taken for a subcommand; top-level options after a subcommand.
expect "--reader key key gen" "generate"
expect "status --j" "--json"
expect "cert export --" "--help --der --out --reader --profile --json --verbose --version"

# File names for a file argument and a file option.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
touch "$dir/joedoe-chain.pem" "$dir/joedoe.csr"
expect "cert import $dir/joedoe-" "$dir/joedoe-chain.pem"
expect "csr --out $dir/joedoe." "$dir/joedoe.csr"
echo "OK"
