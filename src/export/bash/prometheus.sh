
# ---- Prometheus (curl, jq) ----

# lrb_promql_escape VAR VALUE QUOTE REGEX: VALUE as the body of a PromQL string in QUOTE
# (`"` or `'`), regex-escaped first when REGEX is 1: the twin of `crate::fill::promql::escape`.
# Byte by byte in the C locale: every byte it escapes is ASCII, and UTF-8 passes as it is.
lrb_promql_escape() {
  local LC_ALL=C lrb_v=$2 lrb_q=$3 lrb_o='' lrb_c lrb_i bs=\\
  for ((lrb_i = 0; lrb_i < ${#lrb_v}; lrb_i++)); do
    lrb_c=${lrb_v:lrb_i:1}
    # In the string, the regex's backslash is itself escaped.
    if (($4)) && [[ $lrb_c == ['%REGEX_META%'] ]]; then
      if [[ $lrb_c == "$bs" ]]; then
        lrb_o+="$bs$bs$bs$bs"
      else
        lrb_o+="$bs$bs$lrb_c"
      fi
      continue
    fi
    case $lrb_c in
      "$bs") lrb_o+="$bs$bs" ;;
      $'\n') lrb_o+="${bs}n" ;;
      $'\r') lrb_o+="${bs}r" ;;
      $'\t') lrb_o+="${bs}t" ;;
      "$lrb_q") lrb_o+="$bs$lrb_c" ;;
      [$'\x01'-$'\x1f'$'\x7f'])
        printf -v lrb_c '%sx%02x' "$bs" "'$lrb_c"
        lrb_o+=$lrb_c
        ;;
      *) lrb_o+=$lrb_c ;;
    esac
  done
  printf -v "$1" '%s' "$lrb_o"
}

# One wrapper per place a hole can sit, as the exporter names them.
lrb_promql_dq() { lrb_promql_escape "$1" "$2" '"' 0; }
lrb_promql_sq() { lrb_promql_escape "$1" "$2" "'" 0; }
lrb_promql_dq_re() { lrb_promql_escape "$1" "$2" '"' 1; }
lrb_promql_sq_re() { lrb_promql_escape "$1" "$2" "'" 1; }

# lrb_curl_quoted VAR VALUE: VALUE as a double-quoted string of a curl config file.
lrb_curl_quoted() {
  local bs=\\ q='"' v=$2
  v=${v//"$bs"/"$bs$bs"}
  v=${v//"$q"/"$bs$q"}
  v=${v//$'\n'/"${bs}n"}
  v=${v//$'\r'/"${bs}r"}
  v=${v//$'\t'/"${bs}t"}
  v=${v//$'\v'/"${bs}v"}
  printf -v "$1" '"%s"' "$v"
}

# The verdict of `crate::run::promql::verdict` on an API answer (the raw body on stdin):
# status, value, detail and output, each ended by a NUL.
LRB_JQ_PROM='
def fin: (isinfinite or isnan) | not;
def num: if . == "NaN" then nan elif . == "+Inf" then infinite elif . == "-Inf" then -infinite
  else tonumber end;
# Prometheus writes the shortest decimal of a sample, as lrb shows numbers; -0 shows as 0.
def shown: if . == "-0" then "0" else . end;
def hex: [recurse(if . >= 16 then (. / 16 | floor) else empty end) | . % 16]
  | reverse | map("0123456789abcdef"[.:(. + 1)]) | join("");
# A label value as lrb quotes it: control characters as escapes, then `\` and `"` escaped.
def label_value: explode | map(
    if . == 10 then "\\\\n" elif . == 13 then "\\\\r" elif . == 9 then "\\\\t"
    elif . < 32 or (. >= 127 and . < 160) then "\\\\u{\(hex)}"
    elif . == 92 then "\\\\" elif . == 34 then "\\\""
    else [.] | implode end) | join("");
def name: (.labels.__name__ // "") as $m
  | [.labels | to_entries | sort_by(.key)[] | select(.key != "__name__")
      | "\(.key)=\"\(.value | label_value)\""] as $l
  | if ($l | length) == 0 and $m != "" then $m else "\($m){\($l | join(", "))}" end;
def sample: . as $p
  | if type == "array" and (.[0] | type) == "number" and (.[1] | type) == "string"
      and (.[1] | (test("^(NaN|[+-]Inf)$") or ([try (tonumber | true) catch false] | .[0])))
    then {t: .[0], s: .[1], v: (.[1] | num)}
    else error("a sample is not `[time, \"value\"]`: \($p | tojson)") end;
def series:
  # jq 1.6 lets a try catch errors raised after it: the array ends the try first.
  [try fromjson catch {lrb_not_json: .}] | .[0]
  | if type == "object" and has("lrb_not_json") then
      error("the answer is not the JSON of Prometheus'"'"'s API (\(.lrb_not_json))")
    elif type != "object" then error("the answer has no `status` of Prometheus'"'"'s API")
    elif .status == "error" then
      error("Prometheus rejected the query (\(.errorType // "error")): \(.error // "no message")")
    elif .status != "success" then error("the answer has no `status` of Prometheus'"'"'s API")
    else (.data.resultType // null) as $k | .data.result as $r
      | if $k == "scalar" then [{labels: {}, samples: [$r | sample]}]
        elif $k == "vector" or $k == "matrix" then
          if ($r | type) != "array" then error("the answer'"'"'s `result` is not a list")
          else [$r[] | {
            labels: ((.metric // {}) | with_entries(.value |= if type == "string" then . else "" end)),
            samples: (if $k == "vector" then [.value | sample] else [(.values // [])[] | sample] end)
          }] end
        elif $k == "string" then error("the query gives a string, not a number")
        else error("the answer has an unknown result type `\($k // "none")`") end
    end;
def window: $points != "";
def points: $points | tonumber;
def dist: if $below != "" then . - ($below | tonumber)
  elif $above != "" then ($above | tonumber) - . else 0 end;
def breach: (.s | shown) as $s
  | if $equals != "" and $s != $equals then "value is `\($s)`, expected `\($equals)`"
    elif $below != "" and .v >= ($below | tonumber) then "value \($s) is not below \($below)"
    elif $above != "" and .v <= ($above | tonumber) then "value \($s) is not above \($above)"
    else null end;
def rounded: if . < 1000 then "\(.)ms"
  elif . % 1000 == 0 then
    if . % 3600000 == 0 then "\(. / 3600000)h" elif . % 60000 == 0 then "\(. / 60000)m"
    else "\(. / 1000)s" end
  else ((. + 50) / 100 | floor) as $d | "\($d / 10 | floor).\($d % 10)s" end;
def ago($t): if window then
    ((($end_ms | tonumber) / 1000) - $t | if . < 0 then 0 else . end) * 1000 | floor
    | " \(rounded) ago"
  else "" end;
# What one series showed: a breach wins over an undefined sample, which wins over a gap.
def judge:
  (reduce .samples[] as $p ({breach: null, undefined: null};
      if ($p.v | fin | not) then .undefined //= $p
      else ($p | breach) as $why
        | if $why == null then .
          elif .breach == null or ($p.v | dist) > (.breach.v | dist) then .breach = ($p + {why: $why})
          else . end
      end)) as $r
  | if $r.breach != null then {seen: "breach"} + $r.breach
    elif $r.undefined != null then {seen: "undefined"} + $r.undefined
    elif window and points - (.samples | length) > 0 then
      {seen: "partial", missing: (points - (.samples | length))}
    else {seen: "holds"} + (reduce .samples[] as $p (null;
      if . == null or ($p.v | dist) >= (.v | dist) then $p else . end))
    end;
def listing: map(name as $n
  | if window then
      [.samples[] | select(.v | fin)] as $f
      | (if ($f | length) == 0 then "no finite sample"
         else "min \($f | min_by(.v) | .s | shown) max \($f | max_by(.v) | .s | shown)" end) as $range
      | "\($n) \($range) (\(.samples | length) of \(points) samples)"
    elif (.samples | length) == 0 then "\($n) no sample"
    else "\($n) \(.samples[-1].s | shown)" end) | join("\n");
def verdict:
  . as $all | length as $n | listing as $out
  | def say($status; $value; $detail): [$status, $value, "`\($target)`: \($detail)", $out];
    def of($i): if $n > 1 then "\($all[$i] | name) (1 of \($n) series)" else $all[$i] | name end;
    if $n == 0 then
      if $empty == "passes" then
        say("passed"; ""; "no series (no data), which `empty: :passes` counts as passing")
      elif $empty == "fails" then
        say("failed"; ""; "no series (no data), which `empty: :fails` counts as failing")
      else say("error"; ""; "no data: the query matched no series, so lrb cannot tell whether the bound holds (is the exporter up and scraped? is every label spelt right?); if no series means healthy, write `empty: :passes`") end
    elif $n > 1 and $rule == "one" then
      (if $n > 3 then " and \($n - 3) more" else "" end) as $more
      | say("error"; ""; "\($n) series came back (\([$all[:3][] | name] | join(", "))\($more)), and lrb will not pick one: write `each: true` or `any: true`, or aggregate with `sum(...)` or `max(...)`")
    else
      [$all[] | judge] as $seen
      | def firstof($k): [range($n) | select($seen[.].seen == $k)] | first // null;
        def nearest: reduce range($n) as $i (null;
          ($seen[$i] | if .seen == "holds" then (.v | dist) else -infinite end) as $d
          | if . == null or $d >= .d then {i: $i, d: $d} else . end) | .i;
        (if $rule == "any" then firstof("holds") // firstof("undefined") // firstof("partial") // firstof("breach") // 0
         else firstof("breach") // firstof("undefined") // firstof("partial") // nearest end) as $i
      | $seen[$i] as $s
      | if $s.seen == "holds" and $below == "" and $above == "" and $equals == "" then
          say("passed"; $s.s | shown; "\(of($i)) is \($s.s | shown)")
        elif $s.seen == "holds" then
          say("passed"; $s.s | shown; "\(of($i)) is \($s.s | shown), within the bounds\(if window then " at every step of the window (\(points) samples)" else "" end)")
        elif $s.seen == "breach" then say("failed"; $s.s | shown; "\(of($i)): \($s.why)\(ago($s.t))")
        elif $s.seen == "undefined" then
          say("error"; ""; "\(of($i)) is \($s.s)\(ago($s.t)), not a number lrb can compare (a division by zero, such as a rate of errors over no requests): lrb cannot tell whether the bound holds")
        else
          ($s.missing * (($step_ms | tonumber) / 1000) * 1000 | floor | rounded) as $gap
          | say("error"; ""; "\(of($i)) has no samples for \($gap) of the window (\($s.missing) of \(points) steps): the bound is not verified over the whole window")
        end
    end;
(try (series | verdict)
 catch (. as $why
   | if ($code | test("^2")) or ($body | test("^\\s*\\{")) then ["error", "", "PromQL on `\($target)`: \($why)", ""]
     else ["error", "", "PromQL on `\($target)`: HTTP \($code) from \($url), not Prometheus'"'"'s API: give the target the server'"'"'s base URL, such as `http://127.0.0.1:9090`", ""] end))
| map(. + "\u0000") | join("")'

# lrb_prom --timeout S --url BASE --target NAME --query PROMQL [--window MS --step MS]
#   [--series one|each|any] [--empty errored|passes|fails] [--below N] [--above N] [--equals N]
# One POST to /api/v1/query (or /api/v1/query_range over the window up to now), judged as
# `lrb run` judges it. The address, credentials included, and the query reach curl through a
# config on its stdin, never its command line.
lrb_prom() {
  local -A o=()
  lrb_opts o "$@"
  lrb_begin
  local base=${o[url]%/} endpoint=query ms=${o[timeout]/./} start='' end_ms='' points=''
  ms=$((10#$ms))
  local -a form=("query=${o[query]}" "timeout=${ms}ms")
  if [[ -v o[window] ]]; then
    local window=${o[window]} step=${o[step]} s e st
    endpoint=query_range
    end_ms=$(lrb_now_ms)
    start=$((end_ms - window))
    points=$((window / step + 1))
    printf -v s '%d.%03d' $((start / 1000)) $((start % 1000))
    printf -v e '%d.%03d' $((end_ms / 1000)) $((end_ms % 1000))
    printf -v st '%d.%03d' $((step / 1000)) $((step % 1000))
    form+=("start=$s" "end=$e" "step=$st")
  fi
  local url="$base/api/v1/$endpoint" config field
  lrb_curl_quoted field "$url"
  config="url = $field"$'\n'
  for field in "${form[@]}"; do
    lrb_curl_quoted field "$field"
    config+="data-urlencode = $field"$'\n'
  done
  lrb_curl "$config" -K - -w '%{http_code}' --max-time "${o[timeout]}"
  local code=$LRB_CURL_OUT body=$LRB_CURL_BODY errfile="$LRB_TMP/stderr.$BASHPID"
  if ((LRB_CURL_RC == 28)); then
    lrb_outcome error "PromQL on \`${o[target]}\` ($url): no answer in time (timed out)"
    return 0
  elif ((LRB_CURL_RC != 0)); then
    lrb_outcome error "PromQL on \`${o[target]}\` ($url): ${LRB_ERR#curl: }"
    return 0
  fi
  local status value detail output
  {
    IFS= read -r -d '' status
    IFS= read -r -d '' value
    IFS= read -r -d '' detail
    IFS= read -r -d '' output
  } < <(jq -j -R -s --arg target "${o[target]}" --arg code "$code" --arg url "$url" \
    --arg body "${body:0:64}" --arg points "$points" --arg step_ms "${o[step]-}" \
    --arg end_ms "$end_ms" --arg below "${o[below]-}" --arg above "${o[above]-}" \
    --arg equals "${o[equals]-}" --arg empty "${o[empty]-errored}" --arg rule "${o[series]-one}" \
    "$LRB_JQ_PROM" <<<"$body" 2>"$errfile")
  LRB_ERR=$(<"$errfile")
  rm -f "$errfile"
  if [[ -z $status ]]; then
    lrb_outcome error "PromQL on \`${o[target]}\`: jq could not judge the answer: ${LRB_ERR:-no message}"
    return 0
  fi
  lrb_outcome "$status" "$detail"
  if [[ -n $value ]]; then
    lrb_value "$value"
  fi
  LRB_O=$output
}
