#!/usr/bin/env python3
"""docs.py - keeps docs/ true (tests/docs.bats). The rules it checks are
written for authors in docs/CONTRIBUTING.md.

  docs.py check PAGE...     run each ```console block of each page from the
                            repository root and compare what it prints with
                            what the page shows
  docs.py lint [DIR]        the static rules, over every page in DIR (docs/)
  docs.py figures PAGE...   rewrite the figure blocks (every command a
                            bench/figure.py call) from bench/results.md
  docs.py prose PAGE...     the one rule for text outside docs/ (README.md's
                            Benchmarks): no measured figure typed into prose

Exit status: 0 all good; 1 a check failed (each failure explained on
stdout); 2 bad usage; 3 all good, but some blocks were skipped because
their <!-- docs-if: COMMAND --> failed (named on stdout).
"""
import difflib
import os
import re
import shlex
import signal
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BLOCK_LIMIT = 60  # seconds for one block, whatever it runs
ANY = "\u2026"  # "…": any text within a line; alone on a line, any lines
SENTINEL = "\x1edocs-command\x1e"
FENCE = re.compile(r"^( *)(`{3,}|~{3,})[ \t]*([^\s`]*)")
DOCS_IF = re.compile(r"^\s*<!--\s*docs-if:\s*(.*?)\s*-->\s*$")
# Measured figures typed into prose: a number and a ratio or time unit.
PROSE_FIGURE = re.compile(r"\d+(\.\d+)?\s*(×|µs|ns\b|kB/s|MB/s|times (faster|slower|less|more))")
LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
CODE_PATH = re.compile(r"`((?:lib|vm|devices|boot|host|guests|tests|bench|fuzz|docs)/[^`\s]*)`")
LINE_NUMBER = re.compile(r"(\.[chS]|\.py|\.sh|\.bats):\d+|#L\d+|\bline \d+ of\b")
PLACEHOLDER = re.compile(r"(^|/)(NAME|PAGE|FILE|DIR|N)(\.|/|$)")  # docs/exercises/NAME.patch
IDENT = re.compile(r"^`([A-Za-z_][A-Za-z0-9_]*)(\(\))?`$")
PROSE_WORDS_MAX = 2000  # ten minutes of reading


class Block:
    def __init__(self, page, line, indent, lang, lines, cond):
        self.page, self.line, self.indent = page, line, indent
        self.lang, self.lines, self.cond = lang, lines, cond

    def where(self):
        return f"{os.path.relpath(self.page, ROOT)}:{self.line}"


def parse_page(path):
    """The fenced blocks of a page, and its prose lines (outside blocks) as
    (line number, text) pairs."""
    blocks, prose = [], []
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            prose.append((i + 1, lines[i]))
            i += 1
            continue
        indent, fence, lang = len(m.group(1)), m.group(2), m.group(3)
        prev = next((l for l in reversed(lines[:i]) if l.strip()), "")
        cond = DOCS_IF.match(prev)
        body = []
        j = i + 1
        while j < len(lines) and not (lines[j].strip().startswith(fence[0] * len(fence))
                                      and lines[j].strip().strip(fence[0]) == ""):
            body.append(lines[j][indent:] if lines[j][:indent].strip() == "" else lines[j])
            j += 1
        blocks.append(Block(path, i + 1, indent, lang, body, cond.group(1) if cond else None))
        i = j + 1
    return blocks, prose


def commands(block):
    """The block's commands: lists of lines ("$ " dropped from the first;
    a line ending in a backslash continues on the next)."""
    cmds, i = [], 0
    while i < len(block.lines):
        if block.lines[i].startswith("$ "):
            cmd = [block.lines[i][2:]]
            while cmd[-1].endswith("\\") and i + 1 < len(block.lines):
                i += 1
                cmd.append(block.lines[i])
            cmds.append(cmd)
        i += 1
    return cmds


def script(cmds):
    """One bash script for a block: a sentinel before each command's output,
    and a command that fails stops the block unless the next one looks at
    its status ($?)."""
    out = ["exec 2>&1"]
    for k, cmd in enumerate(cmds):
        out.append(f"printf '%s%d\\n' {shlex.quote(SENTINEL)} {k}")
        if k > 0 and "$?" in "\n".join(cmd):
            out.append("(exit $__docs_status)")
        out.append("\n".join(cmd))
        out.append("__docs_status=$?")
        nxt = cmds[k + 1] if k + 1 < len(cmds) else None
        if nxt is None or "$?" not in "\n".join(nxt):
            out.append('[ "$__docs_status" -eq 0 ] || { printf "\\n[docs: exit status %d, '
                       'and the page does not show it]\\n" "$__docs_status"; exit 0; }')
    return "\n".join(out) + "\n"


def clean(text):
    return [l.rstrip() for l in text.replace("\r", "").split("\n")]


def run_block(block):
    """What the block prints when run, as the page would show it."""
    cmds = commands(block)
    env = dict(os.environ, LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8")
    p = subprocess.Popen(["bash", "--noprofile", "--norc", "-c", script(cmds)], cwd=ROOT,
                         env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=BLOCK_LIMIT)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        out += f"\n[docs: the block took more than {BLOCK_LIMIT} s]\n".encode()
    text = out.decode("utf-8", "replace")
    parts = text.split(SENTINEL)
    shown = clean(parts[0]) if parts[0] else []
    for part in parts[1:]:
        k_text, _, output = part.partition("\n")
        cmd = cmds[int(k_text)]
        shown += ["$ " + cmd[0]] + cmd[1:]
        if output.endswith("\n"):
            output = output[:-1]
        if output:
            shown += clean(output)
    return shown


def pattern(expected):
    """A regex for a page's lines: ANY within a line matches any text (the
    blanks around it included), ANY alone on a line any number of lines."""
    parts = []
    for line in expected:
        if line.strip() == ANY:
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            pieces = line.rstrip().split(ANY)
            # The blanks around an ANY belong to it: columns stay aligned.
            pieces = [p.rstrip(" ") if i < len(pieces) - 1 else p for i, p in enumerate(pieces)]
            pieces = [p.lstrip(" ") if i > 0 else p for i, p in enumerate(pieces)]
            parts.append("[^\n]*?".join(re.escape(p) for p in pieces) + "\n")
    return re.compile("".join(parts))


def matches(expected, actual):
    return pattern(expected).fullmatch("".join(l + "\n" for l in actual)) is not None


def condition_holds(cond):
    return subprocess.run(["bash", "-c", cond], cwd=ROOT, stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def check(pages):
    failed, skipped = 0, []
    for page in pages:
        blocks = [b for b in parse_page(page)[0] if b.lang == "console"]
        before = failed
        for b in blocks:
            if b.cond and not condition_holds(b.cond):
                skipped.append(f"{b.where()}: skipped, docs-if failed: {b.cond}")
                continue
            actual = run_block(b)
            if matches(b.lines, actual):
                continue
            failed += 1
            print(f"{b.where()}: the block prints something else than the page shows "
                  f"({ANY} matches any text)")
            for d in difflib.unified_diff(b.lines, actual, "page", "run", lineterm="", n=2):
                print("  " + d)
        print(f"{os.path.relpath(page, ROOT)}: {len(blocks)} console blocks"
                + (f", {failed - before} failed" if failed > before else ""))
    for s in skipped:
        print(s)
    return 1 if failed else 3 if skipped else 0


# ---- lint ---------------------------------------------------------------

def strip_inline(text):
    """Prose without inline code spans and HTML comments."""
    return re.sub(r"`[^`]*`", "", re.sub(r"<!--.*?-->", "", text))


def lint_page(page, problems, tried):
    rel = os.path.relpath(page, ROOT)
    blocks, prose = parse_page(page)
    for b in blocks:
        has_prompt = any(l.startswith("$ ") for l in b.lines)
        if b.lang == "console":
            if not b.lines or not b.lines[0].startswith("$ "):
                problems.append(f"{b.where()}: a console block starts with a '$ ' command")
            for cmd in commands(b):
                m = re.search(r"docs/exercises/try\s+(\S+)", " ".join(cmd))
                if m:
                    tried.add(m.group(1))
        elif has_prompt:
            problems.append(f"{b.where()}: '$ ' prompts only in ```console blocks (which are "
                            f"run); write the command without '$ ' or make it runnable")
    words = 0
    for n, text in prose:
        bare = strip_inline(text)
        words += len(bare.split())
        m = PROSE_FIGURE.search(bare)
        if m:
            problems.append(f"{rel}:{n}: a measured figure in prose ('{m.group(0)}'): show it "
                            f"with bench/figure.py in a console block")
        if LINE_NUMBER.search(text):
            problems.append(f"{rel}:{n}: a line number: link code by path and function name")
        for path in CODE_PATH.findall(text):
            if PLACEHOLDER.search(path) or "*" in path:
                continue
            path = re.sub(r":\d+$", "", path).rstrip(".,:;")
            if not os.path.exists(os.path.join(ROOT, path)):
                problems.append(f"{rel}:{n}: `{path}` does not exist")
        for label, target in LINK.findall(text):
            lint_link(rel, n, page, label, target, problems)
    if words > PROSE_WORDS_MAX:
        problems.append(f"{rel}: {words} words of prose; a page is read in ten minutes "
                        f"(at most {PROSE_WORDS_MAX})")


def prose_figures(pages):
    """Measured figures typed into the prose of pages outside docs/, where the
    other rules do not apply (README.md's Benchmarks section)."""
    problems = 0
    for page in pages:
        for n, text in parse_page(page)[1]:
            m = PROSE_FIGURE.search(strip_inline(text))
            if m:
                problems += 1
                print(f"{os.path.relpath(page, ROOT)}:{n}: a measured figure in prose "
                      f"('{m.group(0)}'): show it with bench/figure.py in a console block")
    return 1 if problems else 0


def lint_link(rel, n, page, label, target, problems):
    if re.match(r"^[a-z]+:", target) or target.startswith("#"):
        return
    path = os.path.normpath(os.path.join(os.path.dirname(page), target.split("#")[0]))
    if not os.path.exists(path):
        problems.append(f"{rel}:{n}: link to {target}: no such file")
        return
    m = IDENT.match(label)
    if m and os.path.isfile(path) and not path.endswith(".md"):
        if not re.search(r"\b" + re.escape(m.group(1)) + r"\b", open(path, errors="replace").read()):
            problems.append(f"{rel}:{n}: {m.group(1)} is not in {target}")


def lint(directory):
    problems, tried = [], set()
    pages = sorted(os.path.join(directory, f) for f in os.listdir(directory) if f.endswith(".md"))
    for page in pages:
        lint_page(page, problems, tried)
    tour = os.path.join(directory, "README.md")
    if os.path.exists(tour):
        text = open(tour, encoding="utf-8").read()
        for page in pages:
            name = os.path.basename(page)
            if name not in ("README.md", "CONTRIBUTING.md") and f"({name}" not in text:
                problems.append(f"{os.path.relpath(tour, ROOT)}: the tour does not link {name}")
    ex = os.path.join(directory, "exercises")
    patches = {f[:-6] for f in os.listdir(ex) if f.endswith(".patch")} if os.path.isdir(ex) else set()
    for name in sorted(patches - tried):
        problems.append(f"exercises/{name}.patch: no page runs docs/exercises/try {name}")
    for name in sorted(tried - patches):
        problems.append(f"a page runs docs/exercises/try {name}, but there is no {name}.patch")
    for p in problems:
        print(p)
    print(f"{os.path.relpath(directory, ROOT) or '.'}: {len(pages)} pages, {len(problems)} problems")
    return 1 if problems else 0


# ---- figures --------------------------------------------------------------

def figures(pages):
    """Rewrite blocks whose every command is a bench/figure.py call with what
    the calls print now (after make bench wrote new results)."""
    for page in pages:
        lines = open(page, encoding="utf-8").read().split("\n")
        for b in reversed(parse_page(page)[0]):
            cmds = commands(b)
            if b.lang != "console" or not cmds or not all(
                    c[0].startswith("bench/figure.py") for c in cmds):
                continue
            lines[b.line:b.line + len(b.lines)] = [" " * b.indent + l if l else l
                                                   for l in run_block(b)]
            print(f"{b.where()}: rewritten")
        open(page, "w", encoding="utf-8").write("\n".join(lines))
    return 0


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("check", "lint", "figures", "prose"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    args = [os.path.abspath(a) for a in sys.argv[2:]]
    if sys.argv[1] == "lint":
        return lint(args[0] if args else os.path.join(ROOT, "docs"))
    if not args:
        print("docs.py: which pages?", file=sys.stderr)
        return 2
    if sys.argv[1] == "prose":
        return prose_figures(args)
    return check(args) if sys.argv[1] == "check" else figures(args)


if __name__ == "__main__":
    sys.exit(main())
