
# ---- HTTP (curl) ----

# lrb_url_encode VAR VALUE: every byte of VALUE but A-Z a-z 0-9 - . _ ~ as %XX.
lrb_url_encode() {
  local LC_ALL=C v=$2 out='' c i
  for ((i = 0; i < ${#v}; i++)); do
    c=${v:i:1}
    case $c in
      [A-Za-z0-9._~-]) out+=$c ;;
      *)
        printf -v c '%%%02X' "'$c"
        out+=$c
        ;;
    esac
  done
  printf -v "$1" '%s' "$out"
}

# The value at a JSON pointer (`/queues/0/waiting`): strings raw, anything else as JSON.
LRB_JQ_POINTER='($p | if . == "" then [] else ltrimstr("/") | split("/") | map(gsub("~1"; "/") | gsub("~0"; "~")) end) as $path
  | reduce $path[] as $k (.;
      if type == "array" and ($k | test("^[0-9]+$")) then .[$k | tonumber]
      elif type == "object" then .[$k]
      else null end)
  | if . == null then null elif type == "string" then . else tojson end'

# lrb_http --timeout S --url BASE --method M --path P [--status "200 204"] [--contains T]
#   [--json POINTER] [--body B] [--latency_below SECONDS] [--below N] [--above N] [--equals T]
lrb_http() {
  local -A o=()
  lrb_opts o "$@"
  lrb_begin
  local url="${o[url]%/}${o[path]}"
  local -a args=(-w '%{http_code} %{time_total}' --max-time "${o[timeout]}")
  if [[ ${o[method]} == HEAD ]]; then
    args+=(--head)
  else
    args+=(-X "${o[method]}")
  fi
  if [[ -v o[body] ]]; then
    args+=(--data-binary @-)
  fi
  lrb_curl "${o[body]-}" "${args[@]}" --url "$url"
  local meta=$LRB_CURL_OUT body=$LRB_CURL_BODY
  if ((LRB_CURL_RC == 28)); then
    lrb_outcome error "no answer from ${o[method]} $url within ${o[timeout]}s"
    return 0
  elif ((LRB_CURL_RC != 0)); then
    lrb_outcome error "${o[method]} $url: ${LRB_ERR#curl: }"
    return 0
  fi
  local code=${meta%% *} secs=${meta#* }
  lrb_value "$code"
  LRB_O=$body
  if [[ -n ${o[status]-} ]]; then
    if [[ " ${o[status]} " != *" $code "* ]]; then
      lrb_outcome failed "expected status ${o[status]// / or }, got $code"
      return 0
    fi
  elif [[ $code != 2?? ]]; then
    lrb_outcome failed "expected a 2xx status, got $code"
    return 0
  fi
  if [[ -v o[contains] && $body != *"${o[contains]}"* ]]; then
    lrb_outcome failed "the response does not contain $(lrb_mask "${o[contains]}")"
    return 0
  fi
  if [[ -v o[latency_below] ]] && ! lrb_num "$secs" '<' "${o[latency_below]}"; then
    lrb_outcome failed "took ${secs}s, expected under ${o[latency_below]}s"
    return 0
  fi
  if [[ -v o[json] ]]; then
    local found jq_rc=0
    LRB_HAS_V=0
    found=$(jq -e -r --arg p "${o[json]}" "$LRB_JQ_POINTER" <<<"$body" 2>/dev/null) || jq_rc=$?
    if ((jq_rc == 1)); then
      lrb_outcome failed "nothing at JSON pointer ${o[json]}"
      return 0
    elif ((jq_rc != 0)); then
      lrb_outcome failed 'the response is not JSON'
      return 0
    fi
    lrb_value "$found"
  fi
  lrb_bounds o
}
