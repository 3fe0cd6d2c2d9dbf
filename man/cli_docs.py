#!/usr/bin/python3
"""A program's man page and bash completion, from its own --help.

    cli_docs.py man PROGRAM TEMPLATE OUT        the page: TEMPLATE with the generated parts
    cli_docs.py completion PROGRAM NAME OUT     a bash completion for NAME
    cli_docs.py dump PROGRAM                    the command tree as read (for debugging)

Walks the program as a user would: `PROGRAM --help`, then `PROGRAM SUB --help` for each
subcommand its help lists, and so on down. Whatever the program accepts is therefore in
the page and the completion, and nothing else: a subcommand added to the program appears
at the next build, without an edit here. It reads CLI11's help layout (carta, carta-sim;
Debian's libcli11-dev) and Python argparse's (carta-simcard), and stops at a line it does
not understand, so that a change of layout breaks the build instead of silently dropping
options.

TEMPLATE is groff with these lines replaced:
  @NAME_LINE@      "PROG \\- <the help's first line>"
  @VERSION@        (anywhere in a line) the version given by --version-string
  .\\" @OPTIONS@     the top-level options
  .\\" @COMMANDS@    every subcommand: its usage, what it does, its options
  .\\" @ENVIRONMENT@ the help footer's variables (NAME  what), as .TP items
  .\\" @NOTES@       the help footer's other text
  .\\" @EXIT_STATUS@ the footer's exit statuses ("Exit status:" table or "Exit codes:" line)
"""

import argparse
import os
import re
import subprocess
import sys

SECTION = re.compile(r"^(Positionals|Options|Subcommands):$")
ENTRY = re.compile(r"^  (\S.*?)(?: {2,}(\S.*))?$")
CONTINUATION = re.compile(r"^ {8,}(\S.*)$")
# CLI11's value: TYPE, TYPE:{choices} or TYPE:CHECK, then =DEFAULT when it shows one.
TYPE = re.compile(r"^([A-Z][A-Z0-9_]*)(?::\{(.*)\}|:([^=\s]+))?(?:=\S*)?$")


class HelpError(Exception):
    pass


class Option:
    def __init__(self, names, value, choices, required, help):
        self.names = names  # ["-v", "--verbose"], or ["FILE"] for a positional
        self.value = value  # "TEXT", or None for a flag
        self.choices = choices
        self.required = required
        self.help = help

    @property
    def positional(self):
        return not self.names[0].startswith("-")

    def takes_file(self):
        """Whether the value is a file name: the help says FILE or names a file."""
        return bool(self.value) and bool(re.search(r"\bFILE\b|\bfile\b", " ".join(self.names) + " " + self.help))


class Command:
    def __init__(self, path):
        self.path = path  # ["cert", "import"]; [] for the program itself
        self.description = ""
        self.usage = ""
        self.positionals = []
        self.options = []
        self.subcommands = []  # (name, help)
        self.children = []
        self.footer = []


def run_help(program, path):
    env = dict(os.environ, COLUMNS="200", LC_ALL="C.UTF-8")
    r = subprocess.run([program] + path + ["--help"], capture_output=True, text=True, env=env,
                       stdin=subprocess.DEVNULL, timeout=30)
    if r.returncode != 0:
        raise HelpError("`%s` exited with %d: %s" % (" ".join([program] + path + ["--help"]),
                                                     r.returncode, r.stderr.strip()))
    return r.stdout.splitlines()


def parse_entry_names(left, where):
    """'--profile TEXT:{common,secure} REQUIRED' -> names, value, choices, required. What
    else CLI11 writes there (Formatter::make_option_opts) is read and left out: "..." or
    "x N" (how many values), "(Env:NAME)", and "Needs:"/"Excludes:" with option names."""
    tokens = left.split()
    names, value, choices, required = [], None, [], False
    for i, tok in enumerate(tokens):
        if i == 0 or (not value and tok.startswith("-")):
            names.extend(n for n in tok.split(",") if n)
            continue
        if tok == "REQUIRED":
            required = True
            continue
        if tok in ("Needs:", "Excludes:"):
            break
        if tok in ("...", "x") or tok.isdigit() or re.match(r"^\(Env:\w+\)$", tok):
            continue
        m = TYPE.match(tok)
        if m and value is None:
            value = m.group(1)
            if m.group(2) is not None:
                choices = m.group(2).split(",")
            continue
        raise HelpError("%s: cannot read %r in %r" % (where, tok, left))
    return names, value, choices, required


def parse_help(lines, path):
    cmd = Command(path)
    where = " ".join(["--help"] + path)
    try:
        usage_at = next(i for i, line in enumerate(lines) if line.startswith("Usage: "))
    except StopIteration:
        raise HelpError("%s: no Usage line" % where)
    cmd.description = " ".join(line.strip() for line in lines[:usage_at] if line.strip())
    # "Usage: /path/to/prog sub [OPTIONS] FILE": drop the program, keep the rest.
    cmd.usage = lines[usage_at].split(None, 2)[2] if len(lines[usage_at].split()) > 2 else ""
    # Sections (Positionals, Options, Subcommands), each up to a blank line; the first
    # other text after them is the footer.
    i = usage_at + 1
    last_section_end = i
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        m = SECTION.match(lines[i])
        if not m:
            break
        section = m.group(1)
        i += 1
        while i < len(lines) and lines[i].strip():
            cont = CONTINUATION.match(lines[i])
            entry = ENTRY.match(lines[i])
            if cont and section != "Subcommands":
                target = (cmd.positionals if section == "Positionals" else cmd.options)
                if not target or target[-1].help:
                    raise HelpError("%s: continuation without an entry: %r" % (where, lines[i]))
                target[-1].help = cont.group(1)
            elif entry:
                left, text = entry.group(1), entry.group(2) or ""
                if section == "Subcommands":
                    cmd.subcommands.append((left, text))
                else:
                    names, value, choices, required = parse_entry_names(left, where)
                    opt = Option(names, value, choices, required, text)
                    (cmd.positionals if section == "Positionals" else cmd.options).append(opt)
            else:
                raise HelpError("%s: cannot read %r" % (where, lines[i]))
            i += 1
        last_section_end = i
    if not cmd.options:
        raise HelpError("%s: no Options section (not CLI11's help?)" % where)
    cmd.footer = lines[last_section_end:]
    while cmd.footer and not cmd.footer[0].strip():
        cmd.footer.pop(0)
    while cmd.footer and not cmd.footer[-1].strip():
        cmd.footer.pop()
    return cmd


def parse_argparse_help(lines, path):
    """The same from Python argparse's help (carta-simcard): "usage:", the description,
    "positional arguments:" (subcommands indented under COMMAND) and "options:"."""
    cmd = Command(path)
    where = " ".join(["--help"] + path)
    i = 0
    usage = [lines[0][len("usage: "):].split(None, 1)[1] if " " in lines[0][7:] else ""]
    i = 1
    while i < len(lines) and lines[i].startswith(" "):
        usage.append(lines[i].strip())
        i += 1
    cmd.usage = " ".join(usage)
    description = []
    while i < len(lines) and lines[i] not in ("positional arguments:", "options:"):
        description.append(lines[i])
        i += 1
    paragraphs = "\n".join(description).strip().split("\n\n")
    cmd.description = " ".join(paragraphs[0].split()) if paragraphs[0] else ""
    section = None
    for line in lines[i:]:
        if line in ("positional arguments:", "options:"):
            section = line
            continue
        if not line.strip():
            continue
        cont = CONTINUATION.match(line)
        sub = re.match(r"^    (\S+)(?: {2,}(\S.*))?$", line)
        entry = ENTRY.match(line)
        if cont:
            if section == "positional arguments:" and cmd.subcommands and not cmd.subcommands[-1][1]:
                cmd.subcommands[-1] = (cmd.subcommands[-1][0], cont.group(1))
            elif section == "options:" and cmd.options:
                o = cmd.options[-1]
                o.help = (o.help + " " + cont.group(1)).strip()
            else:
                raise HelpError("%s: continuation without an entry: %r" % (where, line))
        elif sub and section == "positional arguments:":
            cmd.subcommands.append((sub.group(1), sub.group(2) or ""))
        elif entry and section == "options:":
            names, value, choices = [], None, []
            for alternative in entry.group(1).split(", "):
                name, _, metavar = alternative.partition(" ")
                names.append(name)
                if metavar:
                    value = metavar
                    if metavar.startswith("{"):
                        choices = metavar.strip("{}").split(",")
            cmd.options.append(Option(names, value, choices, False, entry.group(2) or ""))
        elif entry and section == "positional arguments:" and entry.group(1) == "COMMAND":
            continue
        else:
            raise HelpError("%s: cannot read %r" % (where, line))
    if not cmd.options:
        raise HelpError("%s: no options section" % where)
    return cmd


def walk(program, path=(), listed="", footer=None):
    lines = run_help(program, list(path))
    if lines and lines[0].startswith("usage: "):
        cmd = parse_argparse_help(lines, list(path))
        cmd.description = cmd.description or listed
    else:
        cmd = parse_help(lines, list(path))
    # A subcommand's help ends with the program's footer; other text there is a section
    # this parser does not know (an option group, say), whose options would be lost.
    if footer is not None and cmd.footer and cmd.footer != footer:
        raise HelpError("--help %s: unread text after its sections: %r" % (" ".join(path), cmd.footer[0]))
    for name, text in cmd.subcommands:
        cmd.children.append(walk(program, list(path) + [name], text, cmd.footer if footer is None else footer))
    return cmd


def all_commands(cmd):
    yield cmd
    for child in cmd.children:
        yield from all_commands(child)


def version(program):
    r = subprocess.run([program, "--version"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return r.stdout.strip() if r.returncode == 0 else ""


# ---------------------------------------------------------------------------------- the page


def roff(text):
    """Plain text as roff: backslashes escaped, a leading dot or quote made harmless, and
    hyphens in option names and commands made minus signs (what a user types)."""
    text = text.replace("\\", "\\e")
    text = re.sub(r"(?<![\w-])(--?)(?=[A-Za-z])", lambda m: m.group(1).replace("-", "\\-"), text)
    return re.sub(r"^([.'])", r"\\&\1", text)


def option_item(opt):
    if opt.positional:
        head = "\\fI%s\\fR" % roff(opt.names[0])
    else:
        head = ", ".join("\\fB%s\\fR" % roff(n) for n in opt.names)
        if opt.value:
            head += " \\fI%s\\fR" % ("{" + "|".join(opt.choices) + "}" if opt.choices else
                                      ("FILE" if opt.takes_file() else opt.value))
    text = roff(opt.help)
    if opt.required and not opt.positional:
        text += " (required)"
    return ".TP\n%s\n%s" % (head, text)


def options_block(cmd, skip_help):
    items = [option_item(o) for o in cmd.positionals]
    items += [option_item(o) for o in cmd.options if not (skip_help and "--help" in o.names)]
    return "\n".join(items)


def commands_block(root, program):
    out = []
    for cmd in all_commands(root):
        if not cmd.path:
            continue
        usage = cmd.usage
        out.append('.SS "%s"' % roff("%s %s" % (os.path.basename(program), usage)))
        out.append(roff(cmd.description[:1].upper() + cmd.description[1:]) + ".")
        if cmd.subcommands:
            out.append("Its subcommands: %s." % ", ".join("\\fB%s\\fR" % roff(" ".join(cmd.path + [n]))
                                                          for n, _ in cmd.subcommands))
        block = options_block(cmd, skip_help=True)
        if block:
            out.append(block)
        out.append(".PP")
    if out and out[-1] == ".PP":
        out.pop()
    return "\n".join(out)


def footer_parts(footer):
    """(environment intro, environment items, note paragraphs, exit items) from the help
    footer."""
    env_intro, env, notes, exits = [], [], [], []
    in_exit = False
    paragraph = []

    def flush():
        if paragraph:
            notes.append(" ".join(paragraph))
            paragraph.clear()

    for line in footer:
        if not line.strip():
            flush()
            in_exit = False
            continue
        one_line = re.match(r"^Exit (?:codes|status): (\S.*)$", line)
        if one_line:  # "Exit codes: 0 success, 1 failure, 64 bad command line."
            flush()
            for part in re.split(r", (?=\d+ )", one_line.group(1).rstrip(".")):
                code, _, what = part.partition(" ")
                exits.append([code, what])
            continue
        if re.match(r"^Exit (codes|status):$", line):
            flush()
            in_exit = True
            continue
        if in_exit:
            m = re.match(r"^  (\d+)\s+(\S.*)$", line)
            if m:
                exits.append([m.group(1), m.group(2)])
            elif line.startswith("   ") and exits:
                exits[-1][1] += " " + line.strip()
            else:
                raise HelpError("footer: cannot read exit status line %r" % line)
            continue
        m = re.match(r"^  ([A-Z][A-Z0-9_]*(?:, [A-Z][A-Z0-9_]*)*)\s{2,}(\S.*)$", line)
        if m:
            if paragraph:  # the text that leads into the table introduces it
                env_intro.append(" ".join(paragraph))
                paragraph.clear()
            env.append([m.group(1).split(", "), m.group(2)])
        else:
            paragraph.append(line.strip())
    flush()
    return env_intro, env, notes, exits


def write_man(program, template, out, version_string):
    root = walk(program)
    env_intro, env, notes, exits = footer_parts(root.footer)
    name = os.path.basename(program)
    parts = {
        "@OPTIONS@": options_block(root, skip_help=False),
        "@COMMANDS@": commands_block(root, program),
        "@ENVIRONMENT@": "\n".join([roff(p) for p in env_intro] +
                                   [".TP\n%s\n%s" % (", ".join("\\fB%s\\fR" % n for n in names), roff(what))
                                    for names, what in env]),
        "@NOTES@": "\n.PP\n".join(roff(p) for p in notes),
        "@EXIT_STATUS@": "\n".join(".TP\n\\fB%s\\fR\n%s" % (code, roff(what)) for code, what in exits),
    }
    page = []
    with open(template) as f:
        for line in f.read().splitlines():
            marker = re.match(r'^\.\\" (@[A-Z_]+@)$', line)
            if marker:
                if marker.group(1) not in parts:
                    raise HelpError("%s: unknown marker %s" % (template, marker.group(1)))
                if parts[marker.group(1)]:
                    page.append(parts[marker.group(1)])
                continue
            if line == "@NAME_LINE@":
                what = re.sub(r"^%s: " % re.escape(name), "", root.description).rstrip(".")
                what = what[:1].lower() + what[1:] if what[1:2].islower() else what
                line = "%s \\- %s" % (roff(name), roff(what))
            page.append(line.replace("@VERSION@", version_string or version(program)))
    write(out, "\n".join(page) + "\n")


def write(out, text):
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, out)


# ---------------------------------------------------------------------------- the completion


def shell_word(text):
    return "'" + text.replace("'", "'\\''") + "'"


def write_completion(program, name, out):
    root = walk(program)
    fn = "_" + re.sub(r"\W", "_", name)
    # Keys are the command path with the program's name first ("carta key generate"):
    # bash's associative arrays take no empty key.
    commands, options, values, files, positional = [], [], [], [], []
    for cmd in all_commands(root):
        key = shell_word(" ".join([name] + cmd.path))
        commands.append("  [%s]=%s" % (key, shell_word(" ".join(n for n, _ in cmd.subcommands))))
        options.append("  [%s]=%s" % (key, shell_word(" ".join(n for o in cmd.options for n in o.names))))
        for o in cmd.options:
            if not o.value:
                continue
            for n in o.names:
                option_key = shell_word(" ".join([name] + cmd.path + [n]))
                values.append("  [%s]=%s" % (option_key, shell_word(" ".join(o.choices))))
                if o.takes_file():
                    files.append("  [%s]=1" % option_key)
        if any(o.takes_file() for o in cmd.positionals):
            positional.append("  [%s]=file" % key)
    script = """# bash completion for %(name)s, generated from `%(name)s --help` (man/cli_docs.py):
# subcommands and their options, the values of options that take one of a fixed set,
# file names where an option's value or the argument is a file. The top-level options
# are accepted after a subcommand too, as %(name)s accepts them.
declare -gA %(fn)s_commands=(
%(commands)s
)
declare -gA %(fn)s_options=(
%(options)s
)
declare -gA %(fn)s_values=(
%(values)s
)
declare -gA %(fn)s_files=(
%(files)s
)
declare -gA %(fn)s_positional=(
%(positional)s
)

# %(fn)s_value_key PATH OPTION: the key of OPTION's value in PATH, or in the top level.
%(fn)s_value_key() {
    if [[ -v %(fn)s_values["$1 $2"] ]]; then
        printf '%%s' "$1 $2"
    elif [[ -v %(fn)s_values["%(name)s $2"] ]]; then
        printf '%%s' "%(name)s $2"
    fi
}

%(fn)s() {
    local cur=${COMP_WORDS[COMP_CWORD]} path=%(name)s word i value_key=""
    COMPREPLY=()
    # The subcommand path so far, skipping options and the values they take.
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ -n $value_key ]]; then
            value_key=""
        elif [[ $word == -* ]]; then
            [[ $word == *=* ]] || value_key=$(%(fn)s_value_key "$path" "$word")
        elif [[ " ${%(fn)s_commands["$path"]} " == *" $word "* ]]; then
            path+=" $word"
        fi
    done
    if [[ -n $value_key ]]; then
        if [[ -v %(fn)s_files["$value_key"] ]]; then
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W "${%(fn)s_values["$value_key"]}" -- "$cur")
        fi
    elif [[ $cur == -* ]]; then
        local opts=${%(fn)s_options["$path"]}
        [[ $path == %(name)s ]] || opts+=" ${%(fn)s_options[%(name)s]}"
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur" | sort -u)
    elif [[ -n ${%(fn)s_commands["$path"]} ]]; then
        mapfile -t COMPREPLY < <(compgen -W "${%(fn)s_commands["$path"]}" -- "$cur")
    elif [[ -v %(fn)s_positional["$path"] ]]; then
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
    return 0
}
complete -F %(fn)s %(name)s
""" % {"name": name, "fn": fn, "commands": "\n".join(commands), "options": "\n".join(options),
       "values": "\n".join(values), "files": "\n".join(files), "positional": "\n".join(positional)}
    write(out, script)


def dump(cmd, depth=0):
    pad = "  " * depth
    print("%s%s: %s" % (pad, " ".join(cmd.path) or "(top)", cmd.description))
    for o in cmd.positionals + cmd.options:
        print("%s  %s %s %s%s" % (pad, ",".join(o.names), o.value or "", o.choices or "",
                                  " REQUIRED" if o.required else ""))
    for child in cmd.children:
        dump(child, depth + 1)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    p = sub.add_parser("man")
    p.add_argument("program")
    p.add_argument("template")
    p.add_argument("out")
    p.add_argument("--version-string", default="")
    p = sub.add_parser("completion")
    p.add_argument("program")
    p.add_argument("name")
    p.add_argument("out")
    p = sub.add_parser("dump")
    p.add_argument("program")
    args = ap.parse_args(argv)
    try:
        if args.what == "man":
            write_man(args.program, args.template, args.out, args.version_string)
        elif args.what == "completion":
            write_completion(args.program, args.name, args.out)
        else:
            dump(walk(args.program))
    except (HelpError, OSError, subprocess.SubprocessError) as e:
        print("cli_docs: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
