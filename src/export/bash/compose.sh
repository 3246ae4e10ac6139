
# ---- Docker Compose (`docker compose` or `docker-compose`) ----

# The compose program: the v2 plugin when the docker CLI has it, else v1 `docker-compose`.
lrb_find_compose() {
  if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
    LRB_COMPOSE=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1; then
    LRB_COMPOSE=(docker-compose)
  else
    return 1
  fi
}

# lrb_compose --timeout S --file F [--project P] --op OP [--tail N] [--grep T] [--scale N]
#   [--volumes 1] -- [SERVICE]
lrb_compose() {
  local -A o=()
  lrb_opts o "$@"
  shift "$LRB_NOPTS"
  lrb_begin
  local -a compose=("${LRB_COMPOSE[@]}" -f "${o[file]}")
  if [[ -v o[project] ]]; then
    compose+=(-p "${o[project]}")
  fi
  # docker-compose v1 does not take `--` before service names, so refuse option-like ones.
  if [[ ${1-} == -* ]]; then
    lrb_outcome error "a service name cannot start with -: $1"
    return 0
  fi
  case ${o[op]} in
    ps) lrb_exec "${o[timeout]}" "${compose[@]}" ps --services --filter status=running ;;
    logs) lrb_exec "${o[timeout]}" "${compose[@]}" logs --no-color --tail="${o[tail]-all}" "$1" ;;
    up) lrb_exec "${o[timeout]}" "${compose[@]}" up -d ${o[scale]:+--scale "$1=${o[scale]}"} "$@" ;;
    down) lrb_exec "${o[timeout]}" "${compose[@]}" down ${o[volumes]:+--volumes} ;;
    restart | build | stop | start) lrb_exec "${o[timeout]}" "${compose[@]}" "${o[op]}" "$@" ;;
  esac
  if ((LRB_RC != 0)); then
    lrb_exec_error "${LRB_COMPOSE[*]} ${o[op]}" "${o[timeout]}"
    return 0
  fi
  LRB_O=$LRB_OUT
  case ${o[op]} in
    ps)
      local -a want=("$@")
      if ((${#want[@]} == 0)); then
        lrb_exec "${o[timeout]}" "${compose[@]}" ps --services
        mapfile -t want <<<"$LRB_OUT"
      fi
      local svc states='' down=''
      for svc in "${want[@]}"; do
        [[ -n $svc ]] || continue
        if [[ $'\n'"$LRB_O"$'\n' == *$'\n'"$svc"$'\n'* ]]; then
          states+="$svc running"$'\n'
        else
          states+="$svc not running"$'\n'
          down+=" $svc"
        fi
      done
      LRB_O=${states%$'\n'}
      lrb_value "$LRB_O"
      if [[ -n $down ]]; then
        lrb_outcome failed "not running:$down"
      fi
      ;;
    logs)
      if [[ -v o[grep] ]]; then
        LRB_O=$(lrb_grep "$LRB_O" "${o[grep]}")
      fi
      lrb_value "$LRB_O"
      ;;
    up | down | restart | build | stop | start) ;;
  esac
}
