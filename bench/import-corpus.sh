#!/usr/bin/env bash
# Imports every Markdown runbook of a corpus and measures the result (issue 13, item 7):
#   1. the share of the corpus's shell lines that land in an imported runbook as an action;
#   2. imported files with errors: any error, and errors other than the decisions the import
#      leaves to the author on purpose (LRB307 unfinished gate, LRB401 unacknowledged
#      destructive step, LRB403 unclassified command in a check);
#   3. read-only commands the safety rules classify as reads;
#   4. destructive commands they classify below destructive.
# Read-only and destructive are decided by a small list of command signatures written
# here, independently of lrb's classifier (see `label` below); other commands are not
# counted in 3 and 4.
#
# usage: bench/import-corpus.sh [CORPUS_DIR]   (default ../shared/realworld-runbooks)
# CORPUS_DIR/commands.txt lists `FILE<TAB>LINE` for every line of the corpus's shell blocks.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/realworld-runbooks}"
# PROFILE=debug measures a debug build (quicker to build while iterating).
profile="${PROFILE:-release}"
cargo build --profile "${profile/debug/dev}" --quiet --bin lrb --example classify
lrb="target/$profile/lrb"
classify="target/$profile/examples/classify"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

find "$corpus" -name '*.md' ! -name SOURCES.md | sort | while read -r md; do
  rel="${md#"$corpus"/}"
  dest="$out/${rel//\//__}.rb"
  if "$lrb" import markdown "$md" >"$dest" 2>"$dest.err"; then
    "$lrb" check --format json "$dest" >"$dest.json" 2>/dev/null || true
  else
    echo "IMPORT-FAILED" >"$dest.status"
  fi
done

python3 - "$corpus" "$out" "$classify" <<'PY'
import json, os, re, subprocess, sys
corpus, out, classify = sys.argv[1:4]
DECISIONS = {"LRB307", "LRB401", "LRB403"}
ACTION = re.compile(r'^\s*(host\.run|db\.query|cache\.command) "((?:[^"\\]|\\.)*)"')
PLACE = re.compile(r'#\{\w+\}|<[A-Za-z][\w.-]*>|\{[A-Za-z][\w-]*\}|\$\{[A-Z][A-Z0-9_]*\}|\$[A-Z][A-Z0-9_]*')

def unescape(s):
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), s)

def norm(s):
    s = PLACE.sub(' ', s).replace('\\\n', ' ')
    return ' '.join(s.replace('\\', ' ').split())

files = sorted(f for f in os.listdir(out) if f.endswith('.rb'))
actions, errors, undecided, failed = {}, 0, 0, 0
codes = {}
for f in files:
    rel = f[:-3].replace('__', '/')
    text = open(os.path.join(out, f), encoding='utf-8').read()
    acts = []
    for line in text.splitlines():
        m = ACTION.match(line)
        if m:
            lang = {'host.run': 'shell', 'db.query': 'sql', 'cache.command': 'redis'}[m.group(1)]
            acts.append((lang, unescape(m.group(2))))
    actions[rel] = acts
    if os.path.exists(os.path.join(out, f + '.status')):
        failed += 1
    try:
        diags = json.load(open(os.path.join(out, f + '.json')))
    except Exception:
        diags = None
    items = diags.get('diagnostics', diags) if isinstance(diags, dict) else (diags or [])
    errs = [d for d in items if d.get('severity') == 'error']
    for d in errs:
        codes[d.get('code')] = codes.get(d.get('code'), 0) + 1
    if errs:
        errors += 1
    if any(d.get('code') not in DECISIONS for d in errs):
        undecided += 1

# 1. corpus shell lines landing as actions
COMMANDISH = re.compile(r'^(sudo\s+)?([a-z][\w.+-]*|\./\S+|/[a-z]\S*|[A-Z_][A-Z0-9_]*=\S*)(\s|$)')
total = landed = total_cmd = landed_cmd = 0
for line in open(os.path.join(corpus, 'commands.txt'), encoding='utf-8'):
    if '\t' not in line:
        continue
    rel, cmd = line.rstrip('\n').split('\t', 1)
    n = norm(cmd)
    if not n:
        continue
    hit = any(n in norm(a) for _, a in actions.get(rel, []))
    total += 1; landed += hit
    if not hit and os.environ.get('VERBOSE') == '2':
        print(f"   not landed: {rel}: {cmd}")
    if COMMANDISH.match(cmd) and not re.match(r'^[a-z][\w.-]*:\s', cmd):
        total_cmd += 1; landed_cmd += hit

# 3 and 4: signatures decide what is read-only or destructive
SEP = re.compile(r'\|\||&&|[|;]')
READ = re.compile(r'''^(sudo\s+(-u\s+\S+\s+)?)?(
    (kubectl|oc)\s+(\S+\s+)*?(get|describe|logs|top|explain|version|cluster-info|api-resources|events|whoami)\b
  | (kubectl|oc)\s+(\S+\s+)*?(auth\s+can-i|rollout\s+(status|history)|adm\s+top)\b
  | ceph\s+(\S+\s+)*?(status|health|-s|df|tree|ls|dump|stat|versions|report|query|perf)\b
  | etcdctl\s+(\S+\s+)*?(endpoint\s+(status|health)|member\s+list|alarm\s+list|get|check)\b
  | helm\s+(list|ls|status|get|history|show)\b
  | crictl\s+(ps|pods|images|inspect|inspectp|logs|stats|info|version)\b
  | aws\s+\S+\s+(describe-|list-|get-)\S*
  | gcloud\s+(\S+\s+)*?(list|describe)\b
  | az\s+(\S+\s+)*?(list|show)\b
  | systemctl\s+(status|is-active|is-enabled|is-failed|list-units|show)\b
  | (cat|grep|egrep|ls|df|du|ps|free|uptime|journalctl|dmesg|tail|head|less|ss|netstat|lsblk|dig|nslookup|ping|awk|sort|uniq|wc|jq|stat|mount|findmnt|lsof|uname|hostname|whoami|date|echo|env|printenv|which|tree|cut|tr|xargs\s+(-\S+\s+)*(cat|ls|grep|ps))\b
  | (SELECT|SHOW|EXPLAIN\s+SELECT|INFO|CLIENT\s+LIST|SLOWLOG\s+GET|DBSIZE)\b
)''', re.X | re.I)
DESTROY = re.compile(r'''(
    \b(kubectl|oc)\s+(\S+\s+)*?(delete|drain)\b | \b(kubectl|oc)\s+replace\s+.*--force
  | (^|[;&|(]\s*|sudo\s+)(rm|mkfs\S*|wipefs|shred)\s | \bsgdisk\s+.*--zap | (^|[;&|]\s*|sudo\s+)dd\s+.*of=
  | \bceph\s+(\S+\s+)*?(purge|destroy|rm|delete)\b | \brbd\s+(rm|remove)\b
  | \betcdctl\s+(\S+\s+)*?del\b | \bhelm\s+(uninstall|delete)\b | \bterraform\s+destroy\b | \bstate\s+rm\b
  | \b(DROP|TRUNCATE)\s | \bDELETE\s+FROM\b(?!.*\bWHERE\b) | \bFLUSH(ALL|DB)\b | \bpg_terminate_backend\b(?!.*\bWHERE\b)
  | \baws\s+\S+\s+(delete-|terminate-)\S* | \bgcloud\s+(\S+\s+)*?delete\b | \baz\s+(\S+\s+)*?delete\b
  | \bcrictl\s+(rm|rmi|rmp)\b | \bdocker\s+(rm|rmi|system\s+prune|volume\s+rm)\b
  | ^\s*:?\s*>\s*[\w/.] | \bkill\s+-9\b
)''', re.X | re.I | re.S)

def label(lang, text):
    flat = PLACE.sub('x', text)
    if lang == 'sql':
        flat = re.sub(r'--[^\n]*', '', flat)
    if DESTROY.search(flat):
        return 'destructive'
    if '\n' in flat.strip() or '$(' in flat or '`' in flat or re.search(r'(^|[^>2])>\s*[^&\s]', flat):
        return None
    if all(READ.match(p.strip()) for p in SEP.split(flat) if p.strip()):
        return 'read'
    return None

labelled = []
for rel, acts in actions.items():
    for lang, text in acts:
        l = label(lang, text)
        if l:
            labelled.append((l, lang, PLACE.sub('param', re.sub(r'#\{\w+\}', 'param', text))))
inp = ''.join(json.dumps([lang, t]) + '\n' for _, lang, t in labelled)
verdicts = subprocess.run([classify], input=inp, capture_output=True, text=True, check=True).stdout.split('\n')
reads = [(t, v) for (l, _, t), v in zip(labelled, verdicts) if l == 'read']
destr = [(t, v) for (l, _, t), v in zip(labelled, verdicts) if l == 'destructive']
read_ok = sum(v == 'read' for _, v in reads)
below = [(t, v) for t, v in destr if v in ('read', 'write')]

pct = lambda a, b: f"{100.0 * a / b:.1f}%" if b else "n/a"
print(f"files imported:                   {len(files)} ({failed} import failures)")
print(f"1. shell lines landing as action: {landed}/{total} = {pct(landed, total)} of all lines of commands.txt;"
      f" {landed_cmd}/{total_cmd} = {pct(landed_cmd, total_cmd)} of its command-like lines")
print(f"2. imported files with errors:    {errors} with any error; {undecided} with an error other than {', '.join(sorted(DECISIONS))}")
print(f"   error codes: {dict(sorted(codes.items()))}")
print(f"3. read-only classified read:     {read_ok}/{len(reads)} = {pct(read_ok, len(reads))}")
print(f"4. destructive classified below:  {len(below)}/{len(destr)}")
if os.environ.get('VERBOSE'):
    for t, v in reads:
        if v != 'read':
            print(f"   read-only, classified {v}: {t}")
    for t, v in below:
        print(f"   destructive, classified {v}: {t}")
PY
