#!/usr/bin/env bash
# The manual pages.
#   man_pages.sh render MAN_DIR
#       each page renders with groff's warnings on and none reported, through man(1) too,
#       and has the NAME line whatis(1) reads;
#   man_pages.sh coverage MAN_DIR SOURCE_DIR CARTA_BINARY
#       carta(1) has a section for every subcommand `carta --help` lists (walked here with
#       awk, not with the page's generator) naming each of its options; carta(1) and
#       carta-pkcs11(7) name in ENVIRONMENT every variable their code reads (getenv in
#       the sources, and the CARTA_* names the CLI reads through prompt.cpp).
set -euo pipefail
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
mode=${1:-} man_dir=${2:-}
pages=(carta.1 carta-pkcs11.7 carta-sim.1 carta-simcard.1)

render() {
    local page warnings
    for page in "${pages[@]}"; do
        [[ -s $man_dir/$page ]] || fail "$page was not generated"
        warnings=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$man_dir/$page" 2>&1)
        [[ -z $warnings ]] || fail "groff warns about $page: $warnings"
        warnings=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$man_dir/$page" 2>&1 >/dev/null)
        [[ -z $warnings ]] || fail "man warns about $page: $warnings"
        lexgrog "$man_dir/$page" | grep -q ': "' || fail "$page: no whatis entry (NAME line)"
        echo "ok: $page ($(lexgrog "$man_dir/$page" | sed 's/^[^"]*"//; s/"$//'))"
    done
}

# text PAGE: the page as plain text, in lines long enough not to break an option's entry
# (groff itself: man(1) costs several processes more).
text() {
    LC_ALL=C.UTF-8 groff -man -Tutf8 -rLL=200n -P-cbou "$1"
}

# environment_section PAGE: the ENVIRONMENT section's text, as rendered.
environment_section() {
    text "$1" | awk '/^ENVIRONMENT/ {on = 1; next} /^[A-Z]/ {on = 0} on'
}

# variables DIR...: the variable names the code in DIR... reads with getenv.
variables() {
    grep -rhoE 'getenv\("[A-Za-z_][A-Za-z0-9_]*"\)' "$@" --include='*.cpp' --include='*.hpp' |
        sed -E 's/getenv\("(.*)"\)/\1/' | sort -u
}

expect_variables() {  # PAGE NAME...
    local page=$1 env name
    shift
    env=$(environment_section "$page")
    for name in "$@"; do
        grep -qw -- "$name" <<< "$env" || fail "$(basename "$page"): $name is read by the code but not in ENVIRONMENT"
    done
    echo "ok: $(basename "$page") ENVIRONMENT names $*"
}

# help_section TEXT NAME: the lines of one section (Options:, Subcommands:) of a --help.
help_section() {
    awk -v want="$2:" '$0 == want {on = 1; next} on && /^$/ {exit} on' <<< "$1"
}

coverage() {
    local source_dir=$1 carta=$2 page rendered queue path help sub block option count=0
    page=$man_dir/carta.1
    rendered=$(text "$page")
    queue=("")
    while ((${#queue[@]})); do
        path=${queue[0]}
        queue=("${queue[@]:1}")
        # shellcheck disable=SC2086  # the path is words
        help=$("$carta" $path --help)
        while read -r sub _; do
            [[ -n $sub ]] && queue+=("${path:+$path }$sub")
        done < <(help_section "$help" Subcommands)
        [[ -n $path ]] || continue
        # The page's section for this command: from its heading to the next one.
        block=$(awk -v head="carta $path [" 'index($0, "   " head) == 1 {on = 1; print; next}
                                             on && /^   carta / {exit} on' <<< "$rendered")
        [[ -n $block ]] || fail "carta.1 has no section for \`carta $path\`"
        while read -r option; do
            [[ $option == -h || $option == --help ]] && continue  # in OPTIONS, once
            grep -qF -- "$option" <<< "$block" || fail "carta.1: \`carta $path\` lacks $option"
        done < <(help_section "$help" Options | sed -nE 's/^  (-[^ ]+).*/\1/p' | tr ',' '\n' | sed '/^$/d')
        count=$((count + 1))
    done
    ((count > 10)) || fail "only $count subcommands found in carta --help"
    echo "ok: carta.1 describes the $count subcommands of carta --help and their options"

    # The CLI reads the codes through prompt.cpp's getenv(name): the names are literals.
    mapfile -t cli_vars < <({
        variables "$source_dir/manager" "$source_dir/card" "$source_dir/apdu"
        grep -rhoE '"CARTA_[A-Z0-9_]+"' "$source_dir/manager" --include='*.cpp' | tr -d '"'
    } | sort -u)
    expect_variables "$page" "${cli_vars[@]}"
    mapfile -t module_vars < <(variables "$source_dir/pkcs11" "$source_dir/card" "$source_dir/apdu")
    ((${#module_vars[@]} >= 3)) || fail "found only ${module_vars[*]} read by the module's code"
    expect_variables "$man_dir/carta-pkcs11.7" "${module_vars[@]}"
}

case $mode in
    render) render ;;
    coverage) coverage "$3" "$4" ;;
    *) fail "usage: man_pages.sh render MAN_DIR | coverage MAN_DIR SOURCE_DIR CARTA_BINARY" ;;
esac
echo "OK"
