
# ---- Redis (redis-cli) ----

# Splits a redis:// URL into redis-cli arguments (LRB_REDIS_ARGS) and a password
# (LRB_REDIS_PW), which reaches redis-cli through REDISCLI_AUTH, never its command line.
lrb_redis_url() {
  local re='^(redis|rediss)://(([^:@/]*)(:([^@/]*))?@)?([^:/?]+|\[[^]/]+\])(:([0-9]+))?(/([0-9]+))?'
  LRB_REDIS_ARGS=()
  LRB_REDIS_PW=
  if ! [[ $1 =~ $re ]]; then
    return 1
  fi
  local user=${BASH_REMATCH[3]} host=${BASH_REMATCH[6]}
  LRB_REDIS_PW=${BASH_REMATCH[5]}
  LRB_REDIS_ARGS=(-h "${host//[][]/}" -p "${BASH_REMATCH[8]:-6379}" -n "${BASH_REMATCH[10]:-0}")
  if [[ ${BASH_REMATCH[1]} == rediss ]]; then
    LRB_REDIS_ARGS+=(--tls)
  fi
  if [[ -n $user && $user != default ]]; then
    LRB_REDIS_ARGS+=(--user "$user")
  fi
}

# lrb_redis --timeout S --url URL [--expect REPLY] [--field NAME] [bounds] -- COMMAND WORDS...
# The value is the reply (with --field: that `name:value` line of an INFO reply).
lrb_redis() {
  local -A o=()
  lrb_opts o "$@"
  shift "$LRB_NOPTS"
  lrb_begin
  if ! lrb_redis_url "${o[url]}"; then
    lrb_outcome error 'the Redis address is not a redis:// or rediss:// URL'
    return 0
  fi
  if [[ -n $LRB_REDIS_PW ]]; then
    local -x REDISCLI_AUTH=$LRB_REDIS_PW
  fi
  lrb_exec "${o[timeout]}" redis-cli -e "${LRB_REDIS_ARGS[@]}" "$@"
  if ((LRB_RC != 0)); then
    LRB_ERR=${LRB_ERR:-${LRB_OUT##*$'\n'}}
    lrb_exec_error redis-cli "${o[timeout]}"
    return 0
  fi
  local reply=${LRB_OUT//$'\r'/}
  LRB_O=$reply
  if [[ -v o[field] ]]; then
    local line found=0
    while IFS= read -r line; do
      if [[ $line == "${o[field]}:"* ]]; then
        lrb_value "${line#*:}"
        found=1
      fi
    done <<<"$reply"
    if ((found == 0)); then
      lrb_outcome failed "no field ${o[field]} in the INFO reply"
      return 0
    fi
  else
    lrb_value "$reply"
  fi
  if [[ -v o[expect] && $reply != "${o[expect]}" ]]; then
    lrb_outcome failed "expected ${o[expect]}, got $(lrb_mask "$reply")"
    return 0
  fi
  lrb_bounds o
}
