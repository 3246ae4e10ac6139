
# ---- the transcript: one JSON object per line, the records `lrb run` writes ----

# Escapes what the fast path of lrb_json_string leaves: control characters as \u00XX, and any
# byte that is not part of valid UTF-8 as U+FFFD; valid UTF-8 is copied as it is.
LRB_JSON_AWK='BEGIN { for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i }
{
  n = length($0)
  from = 1
  for (i = 1; i <= n; i++) {
    b = ord[substr($0, i, 1)]
    if (b >= 32 && b < 128) continue
    printf "%s", substr($0, from, i - from)
    if (b < 32) {
      printf "\\u%04x", b
      from = i + 1
      continue
    }
    need = 0; lo = 128; hi = 191
    if (b >= 194 && b <= 223) need = 1
    else if (b == 224) { need = 2; lo = 160 }
    else if ((b >= 225 && b <= 236) || b == 238 || b == 239) need = 2
    else if (b == 237) { need = 2; hi = 159 }
    else if (b == 240) { need = 3; lo = 144 }
    else if (b >= 241 && b <= 243) need = 3
    else if (b == 244) { need = 3; hi = 143 }
    # As String::from_utf8_lossy: one U+FFFD for each maximal invalid subpart.
    good = 0
    for (k = 1; k <= need; k++) {
      d = ord[substr($0, i + k, 1)]
      if (d < lo || d > hi) break
      good++
      lo = 128; hi = 191
    }
    if (need > 0 && good == need) printf "%s", substr($0, i, need + 1)
    else printf "\\ufffd"
    i += good
    from = i + 1
  }
  printf "%s", substr($0, from)
}'

# lrb_json_string VAR VALUE: VALUE as the inside of a JSON string, valid JSON for any bytes.
lrb_json_string() {
  local LC_ALL=C lrb_jv=$2
  lrb_jv=${lrb_jv//\\/\\\\}
  lrb_jv=${lrb_jv//\"/\\\"}
  lrb_jv=${lrb_jv//$'\n'/\\n}
  lrb_jv=${lrb_jv//$'\t'/\\t}
  lrb_jv=${lrb_jv//$'\r'/\\r}
  # Only text with other control characters or non-ASCII bytes costs a process.
  if [[ $lrb_jv == *[^\ -~]* ]]; then
    lrb_jv=$(printf '%s' "$lrb_jv" | LC_ALL=C awk "$LRB_JSON_AWK")
  fi
  printf -v "$1" '%s' "$lrb_jv"
}

# lrb_json_value VAR VALUE: VALUE as a JSON number when it is one, else as a JSON string.
lrb_json_value() {
  local lrb_re='%JSON_NUMBER%' lrb_js
  if [[ $2 =~ $lrb_re ]]; then
    printf -v "$1" '%s' "$2"
  else
    lrb_json_string lrb_js "$2"
    printf -v "$1" '"%s"' "$lrb_js"
  fi
}

# Sets LRB_NOW (milliseconds since the epoch) and LRB_AT (the same instant, RFC 3339 UTC).
lrb_clock() {
  local t=${EPOCHREALTIME/[.,]/}
  LRB_NOW=$((t / 1000))
  TZ=UTC0 printf -v LRB_AT '%(%Y-%m-%dT%H:%M:%S)T.%03dZ' "$((LRB_NOW / 1000))" "$((LRB_NOW % 1000))"
}

# Opens the transcript at $1 (the directory is made), or stops the script as `lrb run` does.
lrb_transcript_open() {
  local dir=${1%/*}
  if [[ $dir != "$1" && -n $dir ]]; then
    mkdir -p -- "$dir" 2>/dev/null || true
  fi
  if ! : >"$1" 2>/dev/null; then
    lrb_die 2 "cannot write the transcript \`$1\`: pass a writable path with --transcript PATH"
  fi
  LRB_TRANSCRIPT=$1
  lrb_clock
  LRB_STARTED=$LRB_NOW
}

# Starts a record of event $1: its time and the time since the run started.
lrb_rec() {
  lrb_clock
  LRB_REC="{\"at\":\"$LRB_AT\",\"elapsed_ms\":$((LRB_NOW - LRB_STARTED)),\"event\":\"$1\""
}

# Adds field $1 with text $2, masked; lrb_rec_j adds one whose value is JSON already.
lrb_rec_s() {
  local j
  lrb_masked j "$2"
  lrb_json_string j "$j"
  LRB_REC+=",\"$1\":\"$j\""
}
lrb_rec_j() { LRB_REC+=",\"$1\":$2"; }

# Field $1: true when $2 is 1, else false.
lrb_rec_b() {
  if (($2)); then
    lrb_rec_j "$1" true
  else
    lrb_rec_j "$1" false
  fi
}

# Field $1: a JSON object of the NAME VALUE pairs that follow, the values masked.
lrb_rec_object() {
  local name=$1 j object=''
  shift
  while (($# >= 2)); do
    lrb_masked j "$2"
    lrb_json_string j "$j"
    object+="${object:+,}\"$1\":\"$j\""
    shift 2
  done
  LRB_REC+=",\"$name\":{$object}"
}

# Field $1: a JSON array of the texts that follow, masked.
lrb_rec_list() {
  local name=$1 item j list=''
  shift
  for item in "$@"; do
    lrb_masked j "$item"
    lrb_json_string j "$j"
    list+="${list:+,}\"$j\""
  done
  LRB_REC+=",\"$name\":[$list]"
}

# Ends the record: one write of one line, so a kill leaves whole lines behind. A check job
# keeps its records in LRB_RECORDS for the script to write when the check has finished.
lrb_rec_end() {
  if ((LRB_BUFFER)); then
    LRB_RECORDS+="$LRB_REC}"$'\n'
  elif [[ -n $LRB_TRANSCRIPT ]]; then
    printf '%s}\n' "$LRB_REC" >>"$LRB_TRANSCRIPT" 2>/dev/null || LRB_TRANSCRIPT_BROKEN=1
  fi
}

# The value of the action that just ran, as JSON.
lrb_value_json() {
  if ((LRB_HAS_V)); then
    lrb_masked LRB_VJ "$LRB_V"
    lrb_json_value LRB_VJ "$LRB_VJ"
  else
    LRB_VJ=null
  fi
}

# The fields of the action that just ran (what it was $1, its effect $2): an `ActionResult`.
lrb_rec_result() {
  lrb_clock
  lrb_rec_s action "$1"
  lrb_rec_s effect "$2"
  lrb_rec_s status "$LRB_S"
  lrb_value_json
  lrb_rec_j value "$LRB_VJ"
  lrb_rec_s detail "$LRB_D"
  if [[ -n $LRB_O ]]; then
    lrb_rec_s output "$LRB_O"
  else
    lrb_rec_j output null
  fi
  lrb_rec_j duration_ms "$((LRB_NOW - LRB_T0))"
}

# The same result as one JSON object, for a confirm attempt's list, in LRB_RESULT.
lrb_result_json() {
  local saved=$LRB_REC
  LRB_REC=
  lrb_rec_result "$1" "$2"
  LRB_RESULT="{${LRB_REC#,}}"
  LRB_REC=$saved
}

# An approval record: mitigation $1, question $2, answer $3, how $4.
lrb_approval() {
  lrb_rec approval
  lrb_rec_s mitigation "$1"
  lrb_rec_s question "$2"
  lrb_rec_s answer "$3"
  lrb_rec_s by "$LRB_WHO"
  lrb_rec_s how "$4"
  lrb_rec_end
}

# Refuses mitigation $1 for reason $2: says so and records it.
lrb_refuse() {
  lrb_say "refused \`$1\`: $2"
  lrb_rec refusal
  lrb_rec_s mitigation "$1"
  lrb_rec_s reason "$2"
  lrb_rec_end
}

# A `wait` step of $1 (a mitigation or `confirm`) that ran its $2 milliseconds.
lrb_rec_wait() {
  lrb_rec wait
  lrb_rec_s mitigation "$1"
  lrb_rec_j duration_ms "$2"
  lrb_rec_end
}

# The checks `when` number $1 reads, as evidence: each one's state and value.
lrb_evidence() {
  local id list='' j v
  local -a ids
  read -ra ids <<<"${LRB_W_CHECKS[$1]}"
  for id in "${ids[@]}"; do
    lrb_json_string j "$id"
    if ((LRB_HAS_VALUE[$id])); then
      lrb_masked v "${LRB_VALUE[$id]}"
      lrb_json_value v "$v"
    else
      v=null
    fi
    list+="${list:+,}{\"check\":\"$j\",\"status\":\"${LRB_STATUS[$id]}\",\"value\":$v}"
  done
  LRB_EVIDENCE="[$list]"
}

# A `when` record: number $1, whether it holds ($2: 1 or 0); with $3 = 1, the runbooks it
# hands over to (a `when` evaluated again after a mitigation names none, as in `lrb run`).
lrb_rec_when() {
  lrb_evidence "$1"
  lrb_rec when
  lrb_rec_j condition "${LRB_W_CONDITION[$1]}"
  lrb_rec_b holds "$2"
  lrb_rec_j evidence "$LRB_EVIDENCE"
  lrb_rec_j mitigations "${LRB_W_MITIGATIONS[$1]}"
  if (($3)); then
    lrb_rec_j see "${LRB_W_SEE[$1]}"
  else
    lrb_rec_j see '[]'
  fi
  lrb_rec_end
}

# The `when` records of a diagnosis, one for each `when` in order.
lrb_rec_whens() {
  local i
  for ((i = 0; i < ${#LRB_HOLDS[@]}; i++)); do
    lrb_rec_when "$i" "${LRB_HOLDS[i]}" 1
  done
}

# The record of confirm attempt $1 of $2, passed when $3 is 1, with the results in LRB_RESULTS.
lrb_rec_attempt() {
  lrb_rec confirm_attempt
  lrb_rec_j attempt "$1"
  lrb_rec_j of "$2"
  lrb_rec_b passed "$3"
  lrb_rec_j results "[$LRB_RESULTS]"
  lrb_rec_end
}

# The `diagnosis` record after the checks named in the arguments.
lrb_rec_diagnosis() {
  local id passed=0 failed=0 errored=0
  for id in "$@"; do
    case ${LRB_STATUS[$id]} in
      passed) passed=$((passed + 1)) ;;
      failed) failed=$((failed + 1)) ;;
      *) errored=$((errored + 1)) ;;
    esac
  done
  lrb_rec diagnosis
  lrb_rec_j duration_ms "$((LRB_NOW - LRB_DIAGNOSIS_T0))"
  lrb_rec_j passed "$passed"
  lrb_rec_j failed "$failed"
  lrb_rec_j errored "$errored"
  lrb_rec_end
}

# Ends the run as `lrb run` does: the `end` record with outcome $1, then exit code $2.
lrb_end() {
  if [[ -n $LRB_TRANSCRIPT ]]; then
    lrb_rec end
    lrb_rec_s outcome "$1"
    lrb_rec_j exit_code "$2"
    lrb_rec_j time_to_recovery_ms "${LRB_TTR:-null}"
    lrb_rec_j duration_ms "$((LRB_NOW - LRB_STARTED))"
    lrb_rec_end
    if ((LRB_TRANSCRIPT_BROKEN)); then
      printf 'warning: the transcript `%s` is incomplete: a write to it failed\n' "$LRB_TRANSCRIPT" >&2
    fi
    lrb_say "transcript written to $LRB_TRANSCRIPT"
  fi
  exit "$2"
}
