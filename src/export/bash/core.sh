# ---- lrb runtime (the same in every exported script) ----

lrb_say() { printf '%s\n' "$*"; }

lrb_die() {
  local code=$1
  shift
  printf 'error: %s\n' "$*" >&2
  exit "$code"
}

# lrb_admit WHAT VALUE PATTERN FORBIDS SAYS WHERE: stops the run before anything runs unless
# VALUE matches PATTERN (or, with FORBIDS=1, does not), as `lrb run` does (`crate::fill::Rule`).
lrb_admit() {
  local LC_ALL=C matched=0
  if [[ $2 =~ $3 ]]; then
    matched=1
  fi
  if ((matched == $4)); then
    lrb_die 13 "$1 $5 (in $6)"
  fi
}

# lrb_masked VAR TEXT: TEXT with every secret value replaced by `***`, into VAR.
lrb_masked() {
  local lrb_mt=$2 lrb_mv
  for lrb_mv in "${LRB_MASK[@]}"; do
    if [[ -n $lrb_mv ]]; then
      lrb_mt=${lrb_mt//"$lrb_mv"/***}
    fi
  done
  printf -v "$1" '%s' "$lrb_mt"
}

# Prints $1 masked: no output shows a secret.
lrb_mask() {
  local text
  lrb_masked text "$1"
  printf '%s' "$text"
}

# Remembers the password in a URL (`scheme://user:password@host`) so lrb_mask hides it.
lrb_mask_url() {
  local re='^[A-Za-z][A-Za-z0-9+.-]*://[^:/@]*:([^@/]*)@'
  if [[ $1 =~ $re ]]; then
    LRB_MASK+=("${BASH_REMATCH[1]}")
  fi
}

# Reads `--name value` pairs into the associative array named $1; LRB_NOPTS counts the
# arguments used, so a caller can `shift` past them to positional words after `--`.
lrb_opts() {
  local -n lrb_into=$1
  shift
  LRB_NOPTS=0
  while (($# >= 2)) && [[ $1 == --?* ]]; do
    # shellcheck disable=SC2034 # a nameref: it fills the caller's array
    lrb_into[${1#--}]=$2
    shift 2
    LRB_NOPTS=$((LRB_NOPTS + 2))
  done
  if [[ ${1-} == -- ]]; then
    LRB_NOPTS=$((LRB_NOPTS + 1))
  fi
}

# Runs a command under a time limit (seconds, 0 = none): LRB_OUT gets stdout, LRB_ERR the
# last line of stderr, LRB_RC the exit code (124 when the time ran out).
# The command runs in the background and the shell `wait`s for it: a signal's trap runs at
# once instead of after the command ends.
lrb_exec() {
  local secs=$1 outfile="$LRB_TMP/stdout.$BASHPID" errfile="$LRB_TMP/stderr.$BASHPID"
  shift
  LRB_RC=0
  timeout "$secs" "$@" >"$outfile" 2>"$errfile" </dev/null &
  wait "$!" || LRB_RC=$?
  # The backend pieces read LRB_OUT; a script of HTTP checks alone has none of them.
  # shellcheck disable=SC2034
  LRB_OUT=$(<"$outfile")
  LRB_ERR=$(<"$errfile")
  LRB_ERR=${LRB_ERR##*$'\n'}
  rm -f "$outfile" "$errfile"
}

# Sets the outcome of the action that just ran: status (passed, failed or error) and detail.
lrb_outcome() {
  LRB_S=$1
  LRB_D=$2
}

# The outcome of a command run by lrb_exec that could not do its job.
lrb_exec_error() {
  if ((LRB_RC == 124)); then
    lrb_outcome error "$1 timed out after ${2}s"
  else
    lrb_outcome error "$1 failed (exit $LRB_RC): ${LRB_ERR:-no message}"
  fi
}

# Starts an action: no value, no output, passed until an expectation fails; LRB_T0 is when.
lrb_begin() {
  local t=${EPOCHREALTIME/[.,]/}
  LRB_T0=$((t / 1000))
  LRB_S=passed
  LRB_D=ok
  LRB_V=
  LRB_HAS_V=0
  LRB_O=
}

lrb_value() {
  LRB_V=$1
  LRB_HAS_V=1
}

lrb_is_number() {
  [[ $1 =~ ^[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?$ ]]
}

# Compares two numbers: `lrb_num 1.5 '<' 2`.
lrb_num() {
  awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
    a += 0; b += 0
    if (op == "==") r = a == b; else if (op == "!=") r = a != b
    else if (op == "<") r = a < b; else if (op == "<=") r = a <= b
    else if (op == ">") r = a > b; else r = a >= b
    exit !r
  }'
}

# Applies `below:`, `above:` and `equals:` from the options array named $1 to the value.
lrb_bounds() {
  local -n lrb_b=$1
  [[ $LRB_S == passed ]] || return 0
  if [[ -v lrb_b[equals] && $LRB_V != "${lrb_b[equals]}" ]]; then
    lrb_outcome failed "expected $(lrb_mask "${lrb_b[equals]}"), got $(lrb_mask "$LRB_V")"
    return 0
  fi
  if [[ -v lrb_b[below] || -v lrb_b[above] ]]; then
    if ((LRB_HAS_V == 0)) || ! lrb_is_number "$LRB_V"; then
      lrb_outcome failed "expected a number, got $(lrb_mask "${LRB_V:-nothing}")"
    elif [[ -v lrb_b[below] ]] && ! lrb_num "$LRB_V" '<' "${lrb_b[below]}"; then
      lrb_outcome failed "expected below ${lrb_b[below]}, got $LRB_V"
    elif [[ -v lrb_b[above] ]] && ! lrb_num "$LRB_V" '>' "${lrb_b[above]}"; then
      lrb_outcome failed "expected above ${lrb_b[above]}, got $LRB_V"
    fi
  fi
}

# Keeps the lines of $1 that contain $2, ignoring case.
lrb_grep() {
  local line needle=${2,,}
  while IFS= read -r line; do
    if [[ ${line,,} == *"$needle"* ]]; then
      printf '%s\n' "$line"
    fi
  done <<<"$1"
}

# Prints at most $1 lines of $2, indented.
lrb_indent() {
  local line n=0
  while IFS= read -r line && ((n < $1)); do
    printf '    %s\n' "$line"
    n=$((n + 1))
  done <<<"$2"
}

# Milliseconds since the epoch.
lrb_now_ms() {
  local t=${EPOCHREALTIME/[.,]/}
  printf '%s' "$((t / 1000))"
}

# ---- checks: each runs in a background job and leaves its outcome in $LRB_TMP ----

# After each probe of a check (what it was $1, its effect $2): records it; the first probe
# gives the value; the first probe that does not pass gives the status. Returns 1 when the
# check is decided.
lrb_probe() {
  lrb_rec probe
  lrb_rec_s check "$LRB_CHECK_ID"
  lrb_rec_result "$1" "$2"
  lrb_rec_end
  if ((LRB_PROBES == 0)); then
    LRB_CHECK_V=$LRB_V
    LRB_CHECK_HAS_V=$LRB_HAS_V
    LRB_CHECK_O=$LRB_O
  fi
  LRB_PROBES=$((LRB_PROBES + 1))
  LRB_CHECK_S=$LRB_S
  LRB_CHECK_D=$LRB_D
  [[ $LRB_S == passed ]]
}

# Runs check function $2 for check $1 (info when $3 is 1, described by $4) in the background,
# its records kept for lrb_collect to write. A check run again starts from nothing, so a run
# that dies cannot leave the last outcome in place.
lrb_start_check() {
  rm -rf "$LRB_TMP/check.$1"
  lrb_check_job "$@" &
  LRB_JOBS+=("$!")
}

# The background job of lrb_start_check, run in its own subshell.
lrb_check_job() {
  LRB_CHECK_ID=$1
  LRB_BUFFER=1
  LRB_RECORDS=
  LRB_PROBES=0
  LRB_CHECK_S=error
  LRB_CHECK_D='no probe ran'
  LRB_CHECK_V=
  LRB_CHECK_HAS_V=0
  LRB_CHECK_O=
  lrb_clock
  local started=$LRB_NOW
  "$2"
  lrb_rec check
  lrb_rec_s check "$1"
  if [[ -n $4 ]]; then
    lrb_rec_s description "$4"
  else
    lrb_rec_j description null
  fi
  lrb_rec_b info "$3"
  lrb_rec_s status "$LRB_CHECK_S"
  LRB_V=$LRB_CHECK_V
  LRB_HAS_V=$LRB_CHECK_HAS_V
  lrb_value_json
  lrb_rec_j value "$LRB_VJ"
  lrb_rec_s detail "$LRB_CHECK_D"
  lrb_rec_j duration_ms "$((LRB_NOW - started))"
  lrb_rec_end
  local dir="$LRB_TMP/check.$1"
  mkdir "$dir"
  printf '%s' "$LRB_RECORDS" >"$dir/records"
  printf '%s' "$LRB_NOW" >"$dir/finished"
  printf '%s' "$LRB_CHECK_S" >"$dir/status"
  printf '%s' "$LRB_CHECK_D" >"$dir/detail"
  printf '%s' "$LRB_CHECK_V" >"$dir/value"
  printf '%s' "$LRB_CHECK_HAS_V" >"$dir/has_value"
  printf '%s' "$LRB_CHECK_O" >"$dir/output"
}

# Waits for every check, loads its outcome into LRB_STATUS, LRB_VALUE and LRB_HAS_VALUE, and
# writes the checks' records to the transcript in the order they finished.
lrb_collect() {
  local pid id dir i item records
  local -a finished=()
  for pid in "${LRB_JOBS[@]}"; do
    wait "$pid" || true
  done
  LRB_JOBS=()
  for id in "$@"; do
    dir="$LRB_TMP/check.$id"
    if [[ -f $dir/finished ]]; then
      finished+=("$(<"$dir/finished") $id")
    fi
  done
  # Few checks: an insertion sort by the time each finished.
  for ((i = 1; i < ${#finished[@]}; i++)); do
    local j=$i
    item=${finished[i]}
    while ((j > 0)) && ((${finished[j - 1]%% *} > ${item%% *})); do
      finished[j]=${finished[j - 1]}
      j=$((j - 1))
    done
    finished[j]=$item
  done
  for item in "${finished[@]}"; do
    records=$(<"$LRB_TMP/check.${item#* }/records")
    if [[ -n $LRB_TRANSCRIPT && -n $records ]]; then
      printf '%s\n' "$records" >>"$LRB_TRANSCRIPT" 2>/dev/null || LRB_TRANSCRIPT_BROKEN=1
    fi
  done
  lrb_clock
  for id in "$@"; do
    dir="$LRB_TMP/check.$id"
    if [[ -f $dir/status ]]; then
      LRB_STATUS[$id]=$(<"$dir/status")
      LRB_DETAIL[$id]=$(<"$dir/detail")
      LRB_VALUE[$id]=$(<"$dir/value")
      LRB_HAS_VALUE[$id]=$(<"$dir/has_value")
      LRB_OUTPUT[$id]=$(<"$dir/output")
    else
      LRB_STATUS[$id]=error
      LRB_DETAIL[$id]='the check stopped before it finished'
      LRB_VALUE[$id]=
      LRB_HAS_VALUE[$id]=0
      LRB_OUTPUT[$id]=
    fi
  done
}

# Prints one check's outcome; an info check also shows its output.
lrb_report_check() {
  local id=$1 info=$2 line
  line="check \`$id\` ${LRB_STATUS[$id]}"
  # Long or multi-line values (logs, command output) show below, for info checks.
  if ((LRB_HAS_VALUE[$id])) && [[ ${LRB_VALUE[$id]} != *$'\n'* ]] && ((${#LRB_VALUE[$id]} <= 80)); then
    line+=" (value: ${LRB_VALUE[$id]})"
  fi
  if [[ ${LRB_STATUS[$id]} != passed ]]; then
    line+=": ${LRB_DETAIL[$id]}"
  fi
  lrb_mask "$line"
  printf '\n'
  if ((info)) && [[ -n ${LRB_OUTPUT[$id]} ]]; then
    lrb_indent 50 "$(lrb_mask "${LRB_OUTPUT[$id]}")"
  fi
}

# ---- conditions ----

# `passed(:x)`, `failed(:x)` (did not pass: an expectation did not hold, or the probe could
# not run, as in `lrb run`) and `errored(:x)` (could not run).
lrb_state() {
  case $2 in
    failed) [[ ${LRB_STATUS[$1]} != passed ]] ;;
    *) [[ ${LRB_STATUS[$1]} == "$2" ]] ;;
  esac
}

# `value(:check) OP literal`: numbers compare as numbers, text as text; false when the check
# errored or gave no value.
lrb_compare() {
  local id=$1 op=$2 want=$3
  [[ ${LRB_STATUS[$id]} != error ]] || return 1
  ((LRB_HAS_VALUE[$id])) || return 1
  local got=${LRB_VALUE[$id]}
  got=${got%\%}
  if lrb_is_number "$got" && lrb_is_number "$want"; then
    lrb_num "$got" "$op" "$want"
  else
    case $op in
      '==') [[ $got == "$want" ]] ;;
      '!=') [[ $got != "$want" ]] ;;
      '<') [[ $got < "$want" ]] ;;
      '<=') [[ ! $got > "$want" ]] ;;
      '>') [[ $got > "$want" ]] ;;
      *) [[ ! $got < "$want" ]] ;;
    esac
  fi
}

# ---- the operator ----

# Asks on the terminal; the answer goes to LRB_ANSWER. End of input counts as `abort`.
lrb_ask() {
  LRB_ANSWER=
  if ! read -r -p "$1 " LRB_ANSWER; then
    LRB_ANSWER=abort
  fi
}

lrb_abort() {
  lrb_say 'aborted by the operator'
  lrb_end aborted 12
}

# Whether a mitigation (name $1, destructive when $2 is 1, reason $3) may run, as `lrb run`
# decides, and the approval or refusal recorded: 0 run, 1 skipped by the operator, 2 refused
# by the flags or for lack of a terminal.
lrb_approve() {
  local name=$1 destructive=$2 why=$3
  local no_tty="stdin is not a terminal, so nobody can approve it: pass --yes to approve writes (and --allow-destructive for destructive mitigations)"
  if ((destructive)); then
    local question="type \`$name\` to run this destructive mitigation"
    if ((LRB_YES && LRB_ALLOW_DESTRUCTIVE)); then
      lrb_say 'approved by --yes --allow-destructive'
      lrb_approval "$name" "$question" run '--yes --allow-destructive'
      return 0
    elif ((LRB_TTY == 0)); then
      if ((LRB_YES)); then
        lrb_refuse "$name" 'it is destructive: pass --allow-destructive as well as --yes to run it'
      else
        lrb_refuse "$name" "$no_tty"
      fi
      return 2
    fi
    lrb_say "destructive: $why"
    while :; do
      lrb_ask "$question, or \`skip\` or \`abort\`:"
      case $LRB_ANSWER in
        "$name")
          lrb_approval "$name" "$question" run 'typed name'
          return 0
          ;;
        skip)
          lrb_approval "$name" "$question" skip 'typed name'
          return 1
          ;;
        abort)
          lrb_approval "$name" "$question" abort 'typed name'
          lrb_abort
          ;;
        *) lrb_say 'that is not the name; type it exactly as shown' ;;
      esac
    done
  fi
  if ((LRB_YES)); then
    lrb_say 'approved by --yes'
    lrb_approval "$name" 'run this mitigation?' run --yes
    return 0
  elif ((LRB_TTY == 0)); then
    lrb_refuse "$name" "$no_tty"
    return 2
  fi
  lrb_menu "$name" 'run this mitigation?' run 'run this mitigation?' ''
}

# The operator's menu for question $2 of mitigation $1, shown as $4 and indented by $5:
# [$3], [s]kip or [a]bort, asked until one is given (y and yes mean $3, n and no skip) and
# recorded as its approval. Returns 1 on skip; abort ends the run.
lrb_menu() {
  local name=$1 question=$2 go=$3 shown=$4 indent=$5
  while :; do
    lrb_ask "$indent$shown [${go:0:1}]${go:1}, [s]kip, [a]bort:"
    case $LRB_ANSWER in
      "${go:0:1}" | "$go" | y | yes)
        lrb_approval "$name" "$question" "$go" menu
        return 0
        ;;
      s | skip | n | no)
        lrb_approval "$name" "$question" skip menu
        return 1
        ;;
      a | abort)
        lrb_approval "$name" "$question" abort menu
        lrb_abort
        ;;
      *) lrb_say "${indent}answer $go, skip or abort" ;;
    esac
  done
}

# Proposes mitigation $1 (name $2, destructive $3, reason $4, shown as $5, using the
# parameters listed in $6) and runs it if approved; counts what ran and what was refused.
lrb_offer() {
  lrb_say "$5"
  local rc=0 p needs missing='' sets=''
  read -ra needs <<<"$6"
  for p in "${needs[@]}"; do
    if [[ $LRB_UNSET == *" $p "* ]]; then
      missing+="${missing:+, }parameter \`$p\`"
      sets+="${sets:+ }--set $p=VALUE"
    fi
  done
  LRB_PROPOSED=$((LRB_PROPOSED + 1))
  if [[ -n $missing ]]; then
    # Refused before the first step rather than stopped half-way, as in `lrb run`.
    lrb_refuse "$2" "it needs $missing with no value: pass \`$sets\`"
    rc=2
  else
    lrb_approve "$2" "$3" "$4" || rc=$?
  fi
  if ((rc == 0)); then
    LRB_MITIGATION=$2
    LRB_PHASE="mitigation \`$2\`"
    LRB_RAN=$((LRB_RAN + 1))
    LRB_FRESH=' '
    if "lrb_mitigation_$1"; then
      lrb_say '  done'
    else
      lrb_say "  stopped \`$2\` after a failed step"
    fi
  elif ((rc == 2)); then
    LRB_REFUSED=$((LRB_REFUSED + 1))
  fi
}

# Before each mitigation of `when` number $1, once a mitigation has run: runs again the
# checks the condition reads (the rest of the arguments) that have not run since, and drops
# the rest of the `when`'s mitigations if it no longer holds, as `lrb run` does.
lrb_still_holds() {
  local i=$1 id
  local again=()
  shift
  ((LRB_RAN)) || return 0
  for id in "$@"; do
    [[ $LRB_FRESH == *" $id "* ]] || again+=("$id")
  done
  if ((${#again[@]})); then
    lrb_say 'checks again:'
    lrb_checks "${again[@]}"
    LRB_FRESH+="${again[*]} "
  fi
  if "lrb_when_$i"; then
    if ((${#again[@]})); then
      lrb_rec_when "$i" 1 0
    fi
    return 0
  fi
  lrb_rec_when "$i" 0 0
  LRB_HOLDS[i]=0
  lrb_say 'the condition no longer holds after the mitigations so far: not proposing the rest of its mitigations'
  return 1
}

# A manual step ($1, shown as $2) of the mitigation LRB_MITIGATION: the operator does it and
# says so; without a terminal --yes approved it. Returns 1 when the operator skips it.
lrb_manual() {
  local question="$2: done?"
  lrb_say "  step: $1"
  if ((LRB_TTY == 0)); then
    lrb_say '  (approved by --yes)'
    lrb_approval "$LRB_MITIGATION" "$question" 'done' --yes
    return 0
  fi
  lrb_menu "$LRB_MITIGATION" "$question" 'done' 'done?' '  '
}

# After step $1 failed: at a terminal the operator may go on; otherwise the mitigation stops.
lrb_after_failure() {
  local question="\`$1\` failed: continue?"
  if ((LRB_TTY == 0)); then
    lrb_approval "$LRB_MITIGATION" "$question" 'stop the mitigation' 'no terminal: stop the failed mitigation'
    return 1
  fi
  while :; do
    lrb_ask '  the step failed: [c]ontinue, [s]top this mitigation, [a]bort:'
    case $LRB_ANSWER in
      c | continue)
        lrb_approval "$LRB_MITIGATION" "$question" continue menu
        return 0
        ;;
      s | stop)
        lrb_approval "$LRB_MITIGATION" "$question" 'stop the mitigation' menu
        return 1
        ;;
      a | abort)
        lrb_approval "$LRB_MITIGATION" "$question" abort menu
        lrb_abort
        ;;
      *) lrb_say '  answer continue, stop or abort' ;;
    esac
  done
}

# After one step of a mitigation (what it was $1, its effect $2): prints how it went and
# records it. Returns 1 if it did not pass.
lrb_step() {
  local line="  $LRB_S: $1"
  lrb_rec action
  lrb_rec_s mitigation "$LRB_MITIGATION"
  lrb_rec_result "$1" "$2"
  lrb_rec_end
  if [[ $LRB_S != passed ]]; then
    line+=" ($LRB_D)"
  fi
  lrb_mask "$line"
  printf '\n'
  if [[ -n $LRB_O ]]; then
    lrb_indent 200 "$(lrb_mask "$LRB_O")"
  fi
  [[ $LRB_S == passed ]]
}

# A `wait` step of $2 milliseconds, shown as $1, in the mitigation LRB_MITIGATION.
lrb_wait() {
  lrb_sleep_ms "$2"
  lrb_say "  passed: $1"
  lrb_rec_wait "$LRB_MITIGATION" "$2"
}

# After one confirm probe (what it was $1, its effect $2): adds its result to LRB_RESULTS and
# says why it did not pass yet. Returns 1 if it did not pass.
lrb_attempt_probe() {
  lrb_result_json "$1" "$2"
  LRB_RESULTS+="${LRB_RESULTS:+,}$LRB_RESULT"
  if [[ $LRB_S != passed ]]; then
    lrb_say "  not yet: $1 ($(lrb_mask "$LRB_D"))"
    return 1
  fi
}

# In the background, as in lrb_exec, so a signal does not wait for the sleep to end.
lrb_sleep_ms() {
  sleep "$(printf '%d.%03d' "$(($1 / 1000))" "$(($1 % 1000))")" &
  wait "$!"
}

# Fills LRB_TREE with the pids of every descendant of process $1, read from /proc.
lrb_tree() {
  local -A kids=()
  local stat pid rest ppid
  for stat in /proc/[0-9]*/stat; do
    read -r pid rest 2>/dev/null <"$stat" || continue
    # The fields after the command name, which may hold spaces and parentheses.
    rest=${rest##*) }
    read -r _ ppid _ <<<"$rest"
    kids[$ppid]+=" $pid"
  done
  LRB_TREE=()
  local todo=("$1") at child
  while ((${#todo[@]})); do
    at=${todo[-1]}
    unset 'todo[-1]'
    for child in ${kids[$at]-}; do
      LRB_TREE+=("$child")
      todo+=("$child")
    done
  done
}

# SIGINT, SIGTERM or SIGHUP ($1): kills every process the script started (with the process
# group each `timeout` leads), says what was left undone and exits. A second signal during
# this ends the script at once.
lrb_interrupted() {
  trap - INT TERM HUP
  local pid
  lrb_tree "$$"
  for pid in "${LRB_TREE[@]}"; do
    kill -KILL -- "-$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
  done
  LRB_JOBS=()
  lrb_say "interrupted by SIG$1 during $LRB_PHASE: stopped"
  local -a undone=()
  if ((LRB_MATCHED)); then
    lrb_say '  left undone: recovery not confirmed'
    undone+=('recovery not confirmed')
  fi
  lrb_rec interrupted
  lrb_rec_s signal "SIG$1"
  lrb_rec_s during "${LRB_PHASE/#the checks/diagnosis}"
  lrb_rec_list undone "${undone[@]}"
  lrb_rec_end
  LRB_TTR=
  lrb_end interrupted 12
}

lrb_cleanup() {
  local pid
  for pid in "${LRB_JOBS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  rm -rf "$LRB_TMP"
}
